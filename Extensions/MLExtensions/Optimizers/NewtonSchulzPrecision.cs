namespace MLExtensions;

/// <summary>How Muon runs its Newton–Schulz iteration.</summary>
public enum NewtonSchulzPrecision
{
    /// <summary>In the parameter's dtype (exact enough to be compared tightly with a float64 reference).</summary>
    ParameterDtype = 0,

    /// <summary>In bfloat16, as the published reference does (fast on GPUs; slow on most CPUs).</summary>
    BFloat16 = 1,
}
