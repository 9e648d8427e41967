using Microsoft.ML;
using Microsoft.ML.SearchSpace;

namespace MLExtensions;

/// <summary>Options shared by the binary, multiclass and regression neural-network trainers.</summary>
/// <remarks>
/// A trainer copies its options (<see cref="CloneBase"/>) and validates the copy when it is constructed, so later edits to the
/// caller's object never reach a built trainer.
/// </remarks>
public abstract class NeuralNetworkOptionsBase : TrainerOptionsBase
{
    /// <summary>Default values of the options.</summary>
    public static class Defaults
    {
        /// <summary>Default <see cref="Epochs"/>.</summary>
        public const int Epochs = 50;
        /// <summary>Default <see cref="BatchSize"/>.</summary>
        public const int BatchSize = 64;
        /// <summary>Default <see cref="Dropout"/>.</summary>
        public const double Dropout = 0.1;
        /// <summary>Default <see cref="TrainerOptionsBase.ValidationFraction"/>.</summary>
        public const double ValidationFraction = 0.1;
        /// <summary>Default <see cref="EarlyStoppingPatience"/>.</summary>
        public const int EarlyStoppingPatience = 8;
        /// <summary>Default learning rate of the default optimizer.</summary>
        public const double LearningRate = 1e-3;
        /// <summary>Default <see cref="HiddenLayerSizes"/>.</summary>
        public static IReadOnlyList<int> HiddenLayerSizes => [64, 32];
    }

    /// <summary>Units of each hidden layer, input side first; empty gives a linear model.</summary>
    /// <value>Default [64, 32]. Each at least 1.</value>
    public IReadOnlyList<int> HiddenLayerSizes { get; set; } = Defaults.HiddenLayerSizes;

    /// <summary>Nonlinearity after each hidden layer.</summary>
    /// <value>Default <see cref="ActivationKind.ReLU"/>.</value>
    public ActivationKind Activation { get; set; } = ActivationKind.ReLU;

    /// <summary>Normalization layer after each hidden linear layer.</summary>
    /// <value>Default <see cref="NormalizationKind.None"/>. <see cref="NormalizationKind.BatchNorm"/> needs <see cref="BatchSize"/> of at
    /// least 2 and at least 2 training rows; training never forms a one-row batch under it (a last batch of one row joins the batch before).</value>
    public NormalizationKind Normalization { get; set; } = NormalizationKind.None;

    /// <summary>Dropout probability after each hidden activation.</summary>
    /// <value>Default 0.1. In [0, 1).</value>
    [Range(0.0, 0.5, Defaults.Dropout)]
    public double Dropout { get; set; } = Defaults.Dropout;

    /// <summary>Passes over the training data (training may stop earlier, see <see cref="EarlyStoppingPatience"/>).</summary>
    /// <value>Default 50. At least 1.</value>
    [Range(1, 500, Defaults.Epochs)]
    public int Epochs { get; set; } = Defaults.Epochs;

    /// <summary>Rows per optimizer step.</summary>
    /// <value>Default 64. At least 1 (at least 2 with <see cref="NormalizationKind.BatchNorm"/>). With batch norm, a last batch of one
    /// row is merged into the batch before it, whose batch statistics would otherwise be NaN.</value>
    [Range(8, 1024, Defaults.BatchSize, true)]
    public int BatchSize { get; set; } = Defaults.BatchSize;

    /// <summary>How weights are updated: any registered optimizer spec.</summary>
    /// <value>Default <see cref="AdamWSpec"/> with learning rate 1e-3 and weight decay 0.01.</value>
    public OptimizerSpec Optimizer { get; set; } = new AdamWSpec(LearningRate: Defaults.LearningRate);

    /// <summary>How the learning rate changes over the run.</summary>
    /// <value>Default <see cref="ConstantSchedule"/>.</value>
    public LearningRateScheduleSpec LearningRateSchedule { get; set; } = new ConstantSchedule();

    /// <summary>Width transfer of the optimizer's learning rate and weight decay (<see cref="WidthTransferSpec"/>, D6): matrices get
    /// the rate × BaseWidth/width and the decay × √(width/BaseWidth), vectors decay 0; the width is the widest hidden layer.</summary>
    /// <value>Default <c>null</c>: the optimizer's settings as they are. Needs at least one hidden layer when set.</value>
    public WidthTransferSpec? WidthTransfer { get; set; }

    /// <summary>Decoupled weight decay applied by the training loop to weight matrices (not biases or normalization), on top of the optimizer's own.</summary>
    /// <value>Default 0. At least 0.</value>
    public double WeightDecay { get; set; }

    /// <summary>Clip the global gradient L2 norm to this value before each step.</summary>
    /// <value>Default <c>null</c>: no clipping. Greater than 0 when set.</value>
    public double? GradientClipNorm { get; set; }

    /// <summary>Stop after this many epochs without a lower validation loss, and restore the best epoch's weights.</summary>
    /// <value>Default 8. At least 1 when set; <c>null</c> trains all <see cref="Epochs"/> (the best weights are still restored when there is validation).
    /// Patience needs validation rows: with <see cref="TrainerOptionsBase.ValidationFraction"/> 0 and no <see cref="TrainerOptionsBase.ValidationData"/> the trainer's constructor
    /// throws <see cref="ArgumentException"/>, and <c>Fit</c> throws when the fraction holds out no row of the data; set it to <c>null</c> to train
    /// without validation.</value>
    public int? EarlyStoppingPatience { get; set; } = Defaults.EarlyStoppingPatience;

    /// <summary>Where to train.</summary>
    /// <value>Default <see cref="DeviceKind.Auto"/>: CUDA when TorchSharp sees a GPU.</value>
    public DeviceKind Device { get; set; } = DeviceKind.Auto;

    /// <summary>Threads TorchSharp uses on the CPU during the fit. LibTorch's thread count is process-wide: it is set when the fit starts
    /// and the count from before is restored when the fit ends (also when it fails or is cancelled). While fits that set it overlap,
    /// the one that started last decides the count for all of them, and the count from before the first is restored when the last
    /// one ends. A seeded fit is reproducible at a given count; another count can change the model in the last bits (the
    /// order of parallel sums).</summary>
    /// <value>Default <c>null</c>: leave TorchSharp's setting as it is. In [1, <see cref="Environment.ProcessorCount"/>] when set.</value>
    public int? NumberOfThreads { get; set; }

    /// <summary>Also report progress inside each epoch, every this-many batches (<see cref="TrainingProgressKind.Batch"/> reports),
    /// for long epochs. Each such report reads the running loss back from the device once.</summary>
    /// <value>Default <c>null</c>: one report per epoch only. At least 1 when set.</value>
    public int? ProgressBatchInterval { get; set; }

    /// <summary>Benchmarks only: receives the time of each phase of every training step (see <see cref="TrainingLoopProfile"/>).</summary>
    /// <value>Default <c>null</c>: nothing is measured. The copy a trainer makes shares the instance.</value>
    internal TrainingLoopProfile? Profile { get; set; }

    /// <summary>PGD adversarial training: each batch is attacked before the step (binary and multiclass classifiers only).</summary>
    /// <value>Default <c>null</c>: standard training. See <see cref="AdversarialTrainingOptions"/>; the regression trainer rejects it.</value>
    public AdversarialTrainingOptions? AdversarialTraining { get; set; }

    // ---- Batch-size policy and learning-rate scaling with the batch size (issue #11). Kept in one block to ease merging. ----

    /// <summary>How the batch size evolves during the run, starting from <see cref="BatchSize"/>.</summary>
    /// <value>Default <see cref="FixedBatchSize"/>. <see cref="AdaptiveBatchSize"/> grows the batch (AdAdaGrad's tests) and needs a
    /// network without batch norm.</value>
    public BatchSizePolicySpec BatchSizePolicy { get; set; } = new FixedBatchSize();

    /// <summary>How the learning rates follow the batch size when it differs from <see cref="ReferenceBatchSize"/> (also when
    /// <see cref="BatchSizePolicy"/> grows it).</summary>
    /// <value>Default <see cref="MLExtensions.BatchSizeScaling.None"/>.</value>
    public BatchSizeScaling BatchSizeScaling { get; set; } = BatchSizeScaling.None;

    /// <summary>The batch size the optimizer's learning rate was tuned for (B₀ of <see cref="BatchSizeScaling"/>).</summary>
    /// <value>Default <c>null</c>: <see cref="BatchSize"/>, so only a growing batch is rescaled. At least 1 when set.</value>
    public int? ReferenceBatchSize { get; set; }

    /// <summary>Checks the batch-size options (part of <see cref="Validate"/>).</summary>
    private void ValidateBatchSizeOptions()
    {
        if (BatchSizePolicy is null)
            throw new ArgumentNullException(nameof(BatchSizePolicy), "BatchSizePolicy is required (FixedBatchSize for a constant batch size).");
        BatchSizePolicy.Validate();
        if (BatchSizePolicy is AdaptiveBatchSize && Normalization == NormalizationKind.BatchNorm)
            throw new ArgumentException(
                "BatchSizePolicy AdaptiveBatchSize needs per-sample gradients, which batch norm does not have (its statistics couple the rows); " +
                "use Normalization LayerNorm or None, or FixedBatchSize.", nameof(BatchSizePolicy));
        if (!Enum.IsDefined(BatchSizeScaling))
            throw new ArgumentOutOfRangeException(nameof(BatchSizeScaling), BatchSizeScaling, $"Allowed: {string.Join(", ", Enum.GetNames<BatchSizeScaling>())}.");
        if (BatchSizeScaling == BatchSizeScaling.Auto && Optimizer is not null)
        {
            try
            {
                OptimizerFamilies.Of(Optimizer);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"BatchSizeScaling Auto: {e.Message}", nameof(BatchSizeScaling), e);
            }
        }
        if (ReferenceBatchSize is { } reference && reference < 1)
            throw new ArgumentOutOfRangeException(nameof(ReferenceBatchSize), reference, "ReferenceBatchSize must be at least 1 (or null for BatchSize).");
    }

    // ---- End of the batch-size block. ----

    // ---- Sparse features and larger-than-memory training (issue #13). Kept in one block to ease merging. ----

    /// <summary>The packed density at or below which <see cref="SparseFeatureMode.Auto"/> keeps sparse rows sparse.</summary>
    public const double SparseDensityThreshold = 0.1;

    /// <summary>Whether the training rows are kept sparse through packing, batching and the first layer.</summary>
    /// <value>Default <see cref="SparseFeatureMode.Auto"/>: sparse when ML.NET hands over sparse vectors (one-hot and text featurizers
    /// do) of density at most <see cref="SparseDensityThreshold"/>. Scoring always follows each row's own representation.</value>
    public SparseFeatureMode SparseFeatures { get; set; } = SparseFeatureMode.Auto;

    /// <summary>Bytes the packed training rows may take in memory; beyond it the fit streams the rows from the <c>IDataView</c> cursor
    /// in shuffled chunks, once per epoch, instead of packing them all.</summary>
    /// <value>Default <c>null</c>: half of <see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/> (the machine's or container's memory).
    /// At least 1 when set. Streaming shuffles within chunks only (see <see cref="StreamingChunkRows"/>), so it trains on a different
    /// order than the in-memory fit unless one chunk holds every row.</value>
    public long? MemoryBudgetBytes { get; set; }

    /// <summary>Rows per chunk when the fit streams (see <see cref="MemoryBudgetBytes"/>): each chunk is read, shuffled with the run's
    /// generator and cut into batches; batches never mix rows of two passes, but may span two consecutive chunks.</summary>
    /// <value>Default <c>null</c>: as many rows as a quarter of the memory budget holds (at least <see cref="BatchSize"/>). At least 1 when set.</value>
    public int? StreamingChunkRows { get; set; }

    /// <summary>The memory budget in effect: <see cref="MemoryBudgetBytes"/> or its default.</summary>
    internal long EffectiveMemoryBudgetBytes => MemoryBudgetBytes ?? Math.Max(1, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2);

    /// <summary>Checks the scale options (part of <see cref="Validate"/>).</summary>
    private void ValidateScaleOptions()
    {
        if (!Enum.IsDefined(SparseFeatures))
            throw new ArgumentOutOfRangeException(nameof(SparseFeatures), SparseFeatures, $"Allowed: {string.Join(", ", Enum.GetNames<SparseFeatureMode>())}.");
        if (SparseFeatures == SparseFeatureMode.Sparse && BatchSizePolicy is AdaptiveBatchSize)
            throw new ArgumentException(
                "BatchSizePolicy AdaptiveBatchSize needs dense per-sample inputs of the first layer; use SparseFeatures Auto or Dense, or FixedBatchSize.",
                nameof(SparseFeatures));
        if (MemoryBudgetBytes is { } budget && budget < 1)
            throw new ArgumentOutOfRangeException(nameof(MemoryBudgetBytes), budget, "MemoryBudgetBytes must be at least 1 (or null for half the available memory).");
        if (StreamingChunkRows is { } chunk && chunk < 1)
            throw new ArgumentOutOfRangeException(nameof(StreamingChunkRows), chunk, "StreamingChunkRows must be at least 1 (or null to derive it from the memory budget).");
    }

    // ---- End of the scale block. ----

    /// <summary>Checks every option; throws <see cref="ArgumentOutOfRangeException"/> or <see cref="ArgumentException"/> naming it.</summary>
    public override void Validate()
    {
        base.Validate();
        if (HiddenLayerSizes is null)
            throw new ArgumentNullException(nameof(HiddenLayerSizes), "HiddenLayerSizes is required (use an empty list for a linear model).");
        foreach (int units in HiddenLayerSizes)
        {
            if (units < 1)
                throw new ArgumentOutOfRangeException(nameof(HiddenLayerSizes), units, "Every hidden layer needs at least 1 unit.");
        }
        if (!Enum.IsDefined(Activation))
            throw new ArgumentOutOfRangeException(nameof(Activation), Activation, $"Allowed: {string.Join(", ", Enum.GetNames<ActivationKind>())}.");
        if (!Enum.IsDefined(Normalization))
            throw new ArgumentOutOfRangeException(nameof(Normalization), Normalization, $"Allowed: {string.Join(", ", Enum.GetNames<NormalizationKind>())}.");
        if (!(Dropout >= 0 && Dropout < 1))
            throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, "Dropout must be in [0, 1).");
        ArgumentOutOfRangeException.ThrowIfLessThan(Epochs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1);
        if (Normalization == NormalizationKind.BatchNorm && BatchSize < 2)
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize,
                "BatchNorm needs at least 2 rows per batch (the variance of one row is undefined); raise BatchSize or use LayerNorm.");
        if (Optimizer is null) throw new ArgumentNullException(nameof(Optimizer), $"Optimizer is required. Registered: {string.Join(", ", OptimizerRegistry.Names)}.");
        Optimizer.Validate();
        if (WidthTransfer is not null)
        {
            WidthTransfer.Validate();
            if (HiddenLayerSizes is { Count: 0 })
                throw new ArgumentException("WidthTransfer needs at least one hidden layer (the width is the widest one); set it to null for a linear model.", nameof(WidthTransfer));
        }
        if (LearningRateSchedule is null) throw new ArgumentNullException(nameof(LearningRateSchedule), "LearningRateSchedule is required (ConstantSchedule for none).");
        LearningRateSchedule.Validate();
        ValidateBatchSizeOptions();
        ValidateScaleOptions();
        if (AdversarialTraining is not null)
        {
            try
            {
                AdversarialTraining.Validate();
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"AdversarialTraining.{e.ParamName}: {e.Message}", nameof(AdversarialTraining), e);
            }
        }
        if (!(WeightDecay >= 0) || double.IsInfinity(WeightDecay))
            throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "WeightDecay must be a finite number >= 0.");
        if (GradientClipNorm is { } clip && (!(clip > 0) || double.IsInfinity(clip)))
            throw new ArgumentOutOfRangeException(nameof(GradientClipNorm), clip, "GradientClipNorm must be a finite number > 0 (or null for no clipping).");
        if (EarlyStoppingPatience is { } patience)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(patience, 1, nameof(EarlyStoppingPatience));
            if (ValidationFraction == 0 && ValidationData is null)
                throw new ArgumentException(
                    $"EarlyStoppingPatience is {patience} but there is no validation data (ValidationFraction is 0 and ValidationData is null), " +
                    "so it could never stop training. Set EarlyStoppingPatience = null to train all epochs, or set ValidationFraction or ValidationData.",
                    nameof(EarlyStoppingPatience));
        }
        if (ProgressBatchInterval is { } interval && interval < 1)
            throw new ArgumentOutOfRangeException(nameof(ProgressBatchInterval), interval,
                "ProgressBatchInterval must be at least 1 (batches between reports), or null for one report per epoch.");
        if (!Enum.IsDefined(Device))
            throw new ArgumentOutOfRangeException(nameof(Device), Device, $"Allowed: {string.Join(", ", Enum.GetNames<DeviceKind>())}.");
        if (NumberOfThreads is { } threads && (threads < 1 || threads > Environment.ProcessorCount))
            throw new ArgumentOutOfRangeException(nameof(NumberOfThreads), threads,
                $"NumberOfThreads must be in [1, {Environment.ProcessorCount}] (the processor count), or null to leave TorchSharp's setting as it is.");
    }

    /// <summary>Options with the few settings the catalogs' simple overloads expose; the rest keep their defaults.</summary>
    internal static TOptions ForSimpleOverload<TOptions>(string labelColumnName, string featureColumnName, string? exampleWeightColumnName, int[]? hiddenLayerSizes,
                                                         int epochs, double learningRate, int batchSize, int? seed)
        where TOptions : NeuralNetworkOptionsBase, new() => new()
    {
        LabelColumnName = labelColumnName,
        FeatureColumnName = featureColumnName,
        ExampleWeightColumnName = exampleWeightColumnName,
        HiddenLayerSizes = hiddenLayerSizes ?? Defaults.HiddenLayerSizes,
        Epochs = epochs,
        Optimizer = new AdamWSpec(LearningRate: learningRate),
        BatchSize = batchSize,
        Seed = seed,
    };

    /// <summary>A copy (as <see cref="CloneBase"/>) with <see cref="TrainerOptionsBase.Seed"/> set to <paramref name="seed"/>.</summary>
    internal NeuralNetworkOptionsBase CloneWithSeed(int seed)
    {
        var copy = CloneBase();
        copy.Seed = seed;
        return copy;
    }

    /// <summary>A member-wise copy; the hidden sizes are copied too, specs are immutable.</summary>
    protected NeuralNetworkOptionsBase CloneBase()
    {
        var copy = (NeuralNetworkOptionsBase)MemberwiseClone();
        copy.HiddenLayerSizes = HiddenLayerSizes?.ToArray()!;
        copy.AdversarialTraining = AdversarialTraining?.Clone();
        return copy;
    }
}
