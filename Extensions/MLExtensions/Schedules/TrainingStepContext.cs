namespace MLExtensions;

/// <summary>
/// Where a run stands at one optimizer step, as schedule controllers (<see cref="IScheduleController"/>) and batch-size policies
/// (<see cref="IBatchSizePolicy"/>) see it. A plain TorchSharp loop fills it itself; <see cref="NeuralTrainingLoop"/> fills it for
/// every step.
/// </summary>
/// <param name="Step">The schedule's step (0-based): the optimizer step while the batch size is fixed; under a batch size that
/// changes, the progress in samples expressed in steps of the initial batch size, ⌊<paramref name="SamplesSeen"/> ·
/// <paramref name="TotalSteps"/> / <paramref name="TotalSamples"/>⌋.</param>
/// <param name="TotalSteps">The schedule's run length in the same unit: the run's optimizer steps at the initial batch size.</param>
/// <param name="OptimizerStep">Optimizer steps taken before this one (0-based), whatever the batch sizes.</param>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="SamplesSeen">Training rows consumed before this step's batch.</param>
/// <param name="TotalSamples">Rows the run consumes in all: rows per epoch times epochs.</param>
/// <param name="BatchSize">Rows in this step's batch.</param>
/// <param name="LearningRateScale">Multiplier from the batch-size scaling rule (<see cref="BatchSizeScaling"/>); 1 without one.
/// Controllers multiply every group's rate by it.</param>
public readonly record struct TrainingStepContext(
    long Step,
    long TotalSteps,
    long OptimizerStep,
    int Epoch,
    long SamplesSeen,
    long TotalSamples,
    int BatchSize,
    double LearningRateScale = 1.0);
