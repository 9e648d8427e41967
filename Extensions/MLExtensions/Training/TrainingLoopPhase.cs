namespace MLExtensions;

/// <summary>The phases of one training step that <see cref="TrainingLoopProfile"/> measures.</summary>
internal enum TrainingLoopPhase
{
    /// <summary>Slicing the permutation and selecting the batch's features, labels and weights.</summary>
    BatchGathering,

    /// <summary>Clearing the previous step's gradients.</summary>
    ZeroGrad,

    /// <summary>The network's forward pass.</summary>
    Forward,

    /// <summary>The loss of the batch.</summary>
    Loss,

    /// <summary>Back-propagation.</summary>
    Backward,

    /// <summary>The global gradient's ℓ2 and ℓ1 norms, the batch-size policy's statistics and gradient clipping.</summary>
    GradientNorms,

    /// <summary>The schedule controller before and after the step.</summary>
    Schedule,

    /// <summary>The optimizer's step.</summary>
    OptimizerStep,

    /// <summary>The loop's decoupled weight decay.</summary>
    WeightDecay,

    /// <summary>Loss and norm accumulation, step counters, the batch-size policy and per-batch progress reports.</summary>
    Bookkeeping,

    /// <summary>Disposing the step's tensors and scalars.</summary>
    Dispose,

    /// <summary>The epoch's end: reading back the loss and norms, validation, history and the epoch's progress report.</summary>
    EpochEnd,

    /// <summary>The second, independent minibatch of schedules that need one (<see cref="IIndependentGradientController"/>): its
    /// rows, forward, loss, backward and clipping, and handing its gradient to the controller.</summary>
    IndependentGradient,
}
