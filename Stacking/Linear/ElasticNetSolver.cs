namespace MLExtensions;

/// <summary>How Lasso and ElasticNet problems are solved.</summary>
public enum ElasticNetSolver
{
    /// <summary>
    /// scikit-learn's covariance-update cyclic coordinate descent with its stopping rule (duality gap below tol·||y||²); results equal
    /// scikit-learn's for the same tol and max_iter, but strongly correlated features can need thousands of sweeps.
    /// </summary>
    CoordinateDescent,

    /// <summary>Exact feature-sign active-set search on the Gram matrix: the optimum to machine precision in a few linear solves.</summary>
    ActiveSet,
}
