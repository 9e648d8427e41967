namespace MLExtensions;

/// <summary>
/// Where <see cref="LantonSchedule"/> takes the second gradient whose difference from the step's gradient estimates a layer's
/// gradient noise, <c>H ← β2·H + (1−β2)·‖G − G′‖²_dual</c> (the paper's options I and II; design notes ALGORITHMS-2.md §1.2).
/// </summary>
public enum LantonNoiseEstimate
{
    /// <summary>Option II (the paper's "practical" option; the default): <c>G′</c> is the previous step's gradient. Costs one
    /// gradient copy per layer; it also counts how much the mean gradient moved between steps as noise.</summary>
    PreviousGradient = 0,

    /// <summary>Option I (the paper's analysis): <c>G′</c> is the gradient of a second, independent minibatch at the same weights,
    /// handed to the controller before each step with <see cref="IIndependentGradientController.ObserveIndependentGradient"/>.
    /// Costs a second backward pass per step; it sees only the sampling noise.</summary>
    IndependentGradient = 1,
}
