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
    /// handed to the controller before each step with <see cref="IIndependentGradientController.ObserveIndependentGradient"/>; it sees
    /// only the sampling noise. <b>Costs one extra forward and backward pass per step</b> (about twice the gradient work of a step).
    /// In the trainers the second minibatch has the step's batch size and is drawn, with a generator of its own seeded from the run's
    /// seed, uniformly without replacement from the training rows outside the step's batch (streamed rows: from the chunks in memory);
    /// when fewer than two batches' worth of rows are available the rest is filled with the step's own rows, so with one batch per
    /// epoch it is the step's batch itself and, without dropout, H = 0: a full-batch gradient has no sampling noise and every layer
    /// gets its group's rate. It goes through the same dropout (own masks), adversarial attack and clipping as the step's batch;
    /// batch norm's running statistics are not updated by it.</summary>
    IndependentGradient = 1,
}
