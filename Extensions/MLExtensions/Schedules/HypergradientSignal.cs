namespace MLExtensions;

/// <summary>Which consecutive vectors <see cref="HypergradientSchedule"/> compares.</summary>
public enum HypergradientSignal
{
    /// <summary>The current gradient against the previous update, cos(g_t, −Δ_{t−1}): the sign of Baydin et al.'s
    /// hypergradient −∂f(θ_t)/∂η for any optimizer (for SGD, cos(g_t, g_{t−1})). Adapts the coming step.</summary>
    GradientAndUpdate = 0,

    /// <summary>Two consecutive updates, cos(Δ_{t−1}, Δ_{t−2}), as FedHyper's client scheduler compares consecutive local steps.</summary>
    ConsecutiveUpdates = 1,
}
