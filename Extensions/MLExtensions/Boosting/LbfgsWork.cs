namespace MLExtensions;

/// <summary>The work of one or more L-BFGS runs: iterations and objective (value and gradient) evaluations.</summary>
internal readonly record struct LbfgsWork(long Iterations, long Evaluations);
