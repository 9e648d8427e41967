namespace MLExtensions;

/// <summary>What a <see cref="TrainingProgress"/> report marks.</summary>
public enum TrainingProgressKind
{
    /// <summary>The end of an epoch of a neural trainer: the losses are the epoch's.</summary>
    Epoch,

    /// <summary>A report inside an epoch, every <see cref="NeuralNetworkOptionsBase.ProgressBatchInterval"/> batches: the training
    /// loss and gradient norm are means over the epoch's batches so far, and there is no validation loss yet.</summary>
    Batch,

    /// <summary>The end of a GBNN boosting step: <see cref="TrainingProgress.Epoch"/> is the step and
    /// <see cref="TrainingProgress.LearningRate"/> the step length.</summary>
    BoostingStep,
}
