using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions;

/// <summary>
/// Adaptive smoothing (Bai et al., "Improving the Accuracy-Robustness Trade-Off of Classifiers via Adaptive Smoothing"): mixes the
/// probabilities of a standard (accurate) and a robust (adversarially trained) neural classifier with a weight α(x) that a small
/// mixing network computes from both models' hidden features, trained to raise α on attacked inputs and keep it low on clean ones.
/// </summary>
/// <remarks>
/// Create it with <c>mlContext.MulticlassClassification.Trainers.AdaptiveSmoothing(...)</c> or
/// <c>mlContext.BinaryClassification.Trainers.AdaptiveSmoothing(...)</c>. The base models are given already fitted
/// (<see cref="Options.StandardModel"/>, <see cref="Options.RobustModel"/>) or trained here from their options
/// (<see cref="Options.StandardTrainer"/>, <see cref="Options.RobustTrainer"/>, the latter typically with PGD adversarial
/// training switched on). They stay frozen: only the mixing network trains, on each batch's clean rows (target α = 0) and their
/// copies attacked by PGD through the whole composite, α included (target α = 1). With <see cref="Options.ConstantAlpha"/> no mixing
/// network is trained: α is that constant everywhere (the baseline the paper compares against).
/// </remarks>
public sealed class AdaptiveSmoothingTrainer : IEstimator<AdaptiveSmoothingPredictionTransformer>, IContextSeeded
{
    /// <summary>Options of <see cref="AdaptiveSmoothingTrainer"/>; defaults are documented on each member.</summary>
    public sealed class Options
    {
        /// <summary>Default values of the options.</summary>
        public static class Defaults
        {
            /// <summary>Default <see cref="MixingHiddenSize"/> (ALGORITHMS.md C.5).</summary>
            public const int MixingHiddenSize = 32;

            /// <summary>Default <see cref="Epochs"/>: "a few" (C.5); the paper trains 3–5 epochs.</summary>
            public const int Epochs = 5;

            /// <summary>Default <see cref="BatchSize"/>.</summary>
            public const int BatchSize = 128;

            /// <summary>Default <see cref="LearningRate"/> (C.5).</summary>
            public const double LearningRate = 1e-3;

            /// <summary>Default <see cref="WeightDecay"/> (the paper's AdamW weight decay).</summary>
            public const double WeightDecay = 1e-5;

            /// <summary>Default <see cref="BceWeight"/> (C.5; the paper's CIFAR-10 setting).</summary>
            public const double BceWeight = 1.0;

            /// <summary>Default <see cref="CrossEntropyWeight"/> (C.5; the paper's CIFAR-10 setting).</summary>
            public const double CrossEntropyWeight = 0.5;

            /// <summary>Default <see cref="GradientClipNorm"/> (the paper's value).</summary>
            public const double GradientClipNorm = 10;

            /// <summary>Default <see cref="GammaScale"/> (the paper's training constant).</summary>
            public const double GammaScale = 2.0;

            /// <summary>Default <see cref="GammaBias"/>.</summary>
            public const double GammaBias = 0.0;

            /// <summary>Default <see cref="EpsilonLow"/> (the paper's training adversary).</summary>
            public const double EpsilonLow = 0.4;

            /// <summary>Default <see cref="EpsilonHigh"/> (the paper's training adversary).</summary>
            public const double EpsilonHigh = 1.1;

            /// <summary>Default <see cref="Options.Attack"/> iterations (C.5's PGD-10).</summary>
            public const int AttackIterations = 10;
        }

        /// <summary>The label column: Boolean for binary classification, a key for multiclass.</summary>
        /// <value>Default <c>Label</c>.</value>
        public string LabelColumnName { get; set; } = ColumnNames.Label;

        /// <summary>The feature column both base models read: a known-size vector of Single.</summary>
        /// <value>Default <c>Features</c>.</value>
        public string FeatureColumnName { get; set; } = ColumnNames.Features;

        /// <summary>The fitted standard (accurate) model, chosen where α = 0.</summary>
        /// <value>Default <c>null</c>: trained at <c>Fit</c> from <see cref="StandardTrainer"/>.</value>
        public NeuralNetworkPredictionTransformer? StandardModel { get; set; }

        /// <summary>The fitted robust (adversarially trained) model, chosen where α = 1.</summary>
        /// <value>Default <c>null</c>: trained at <c>Fit</c> from <see cref="RobustTrainer"/>.</value>
        public NeuralNetworkPredictionTransformer? RobustModel { get; set; }

        /// <summary>Options to train the standard model with when <see cref="StandardModel"/> is <c>null</c>: a
        /// <see cref="NeuralNetworkBinaryTrainer.Options"/> or <see cref="NeuralNetworkMulticlassTrainer.Options"/> for the task.</summary>
        /// <value>Default <c>null</c>.</value>
        public NeuralNetworkOptionsBase? StandardTrainer { get; set; }

        /// <summary>Options to train the robust model with when <see cref="RobustModel"/> is <c>null</c> (switch on its adversarial
        /// training); the same types as <see cref="StandardTrainer"/>.</summary>
        /// <value>Default <c>null</c>.</value>
        public NeuralNetworkOptionsBase? RobustTrainer { get; set; }

        /// <summary>A constant α in [0, 1] instead of the mixing network (no mixing network is trained).</summary>
        /// <value>Default <c>null</c>: train the mixing network.</value>
        public double? ConstantAlpha { get; set; }

        /// <summary>The training adversary: PGD through the whole composite. Its <c>Epsilon</c> is the nominal radius ε₀ in the feature
        /// column's units (e.g. 0.1 for [0, 1] pixels, or standardized units for tabular data); each row is attacked at its own
        /// ε ~ U(<see cref="EpsilonLow"/>, <see cref="EpsilonHigh"/>)·ε₀.</summary>
        /// <value>Default: ℓ∞, ε₀ = 0.1, 10 iterations, step 2.5·ε/10, random start, no input box.</value>
        public PgdAttack.Options Attack { get; set; } = new() { Iterations = Defaults.AttackIterations };

        /// <summary>Lower end of the per-row attack radius, as a multiple of ε₀.</summary>
        /// <value>Default 0.4. In (0, <see cref="EpsilonHigh"/>].</value>
        public double EpsilonLow { get; set; } = Defaults.EpsilonLow;

        /// <summary>Upper end of the per-row attack radius, as a multiple of ε₀.</summary>
        /// <value>Default 1.1. Finite, at least <see cref="EpsilonLow"/>.</value>
        public double EpsilonHigh { get; set; } = Defaults.EpsilonHigh;

        /// <summary>Hidden units of the mixing network.</summary>
        /// <value>Default 32. At least 1.</value>
        public int MixingHiddenSize { get; set; } = Defaults.MixingHiddenSize;

        /// <summary>Passes of the mixing network's training over the rows.</summary>
        /// <value>Default 5. At least 1.</value>
        public int Epochs { get; set; } = Defaults.Epochs;

        /// <summary>Clean rows per step (each step also trains on their attacked copies).</summary>
        /// <value>Default 128. At least 2 (batch norm).</value>
        public int BatchSize { get; set; } = Defaults.BatchSize;

        /// <summary>AdamW learning rate of the mixing network.</summary>
        /// <value>Default 1e-3. Finite, greater than 0.</value>
        public double LearningRate { get; set; } = Defaults.LearningRate;

        /// <summary>AdamW decoupled weight decay.</summary>
        /// <value>Default 1e-5. Finite, at least 0.</value>
        public double WeightDecay { get; set; } = Defaults.WeightDecay;

        /// <summary>Weight of the detector loss BCE(γ, s) (s = 0 clean, 1 attacked).</summary>
        /// <value>Default 1. Finite, at least 0; with <see cref="CrossEntropyWeight"/> not both 0.</value>
        public double BceWeight { get; set; } = Defaults.BceWeight;

        /// <summary>Weight of the mixture's cross-entropy on clean and attacked rows.</summary>
        /// <value>Default 0.5. Finite, at least 0.</value>
        public double CrossEntropyWeight { get; set; } = Defaults.CrossEntropyWeight;

        /// <summary>Global gradient-norm clip of the mixing network's updates.</summary>
        /// <value>Default 10. Finite, greater than 0.</value>
        public double GradientClipNorm { get; set; } = Defaults.GradientClipNorm;

        /// <summary>γ = BN(MixNet(features))·GammaScale + GammaBias; α = sigmoid(γ).</summary>
        /// <value>Default 2 (the paper's training constant): batch norm gives unit-variance γ before scaling, and 2 lets α reach
        /// about 0.12–0.88 within one standard deviation, so BCE can separate clean and attacked rows without saturating.</value>
        public double GammaScale { get; set; } = Defaults.GammaScale;

        /// <summary>See <see cref="GammaScale"/>.</summary>
        /// <value>Default 0: α is centered at 1/2 before training.</value>
        public double GammaBias { get; set; } = Defaults.GammaBias;

        /// <summary>While the mixing network trains, clamp its pre-normalization γ to the batch mean ± this many batch standard
        /// deviations (the official code uses 0.6); clamped rows get no gradient.</summary>
        /// <value>Default <c>null</c>: no clamp (a deliberate deviation: at this scale the clamp slowed the detector's training, see
        /// Robustness/README.md). Finite and greater than 0 when set.</value>
        public double? GammaClamp { get; set; }

        /// <summary>At prediction, α ← α·AlphaScale + AlphaBias (the paper's eval-time α range), e.g. 0.75 and 0.2 for [0.2, 0.95].</summary>
        /// <value>Default 1 (no narrowing). In (0, 1].</value>
        public double AlphaScale { get; set; } = 1.0;

        /// <summary>See <see cref="AlphaScale"/>.</summary>
        /// <value>Default 0. At least 0, with AlphaScale + AlphaBias at most 1.</value>
        public double AlphaBias { get; set; }

        /// <summary>s_std, the standard model's logit scale before its softmax.</summary>
        /// <value>Default 1. Finite, greater than 0.</value>
        public double StandardLogitScale { get; set; } = 1.0;

        /// <summary>s_rob, the robust model's logit scale before its softmax.</summary>
        /// <value>Default 1. Finite, greater than 0.</value>
        public double RobustLogitScale { get; set; } = 1.0;

        /// <summary>TorchSharp threads while the mixing network trains (set for the fit, restored after it), as the neural trainers' option.</summary>
        /// <value>Default <c>null</c>: leave TorchSharp's setting as it is. In [1, <see cref="Environment.ProcessorCount"/>] when set.</value>
        public int? NumberOfThreads { get; set; }

        /// <summary>Seed of the mixing network's initialization, batch order and the training adversary.</summary>
        /// <value>Default <c>null</c>: from a catalog, the next seed of its <see cref="MLContext"/> (which also seeds <see cref="StandardTrainer"/> and
        /// <see cref="RobustTrainer"/> options that leave theirs unset); constructed otherwise, drawn at random.</value>
        public int? Seed { get; set; }

        /// <summary>A copy whose later edits do not affect this instance (the base models and trainer options are shared, the attack options copied).</summary>
        public Options Clone()
        {
            var copy = (Options)MemberwiseClone();
            copy.Attack = Attack?.Clone()!;
            return copy;
        }

        /// <summary>Checks every option; throws <see cref="ArgumentException"/> or <see cref="ArgumentOutOfRangeException"/> naming it.</summary>
        public void Validate()
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(LabelColumnName, nameof(LabelColumnName));
            ArgumentException.ThrowIfNullOrWhiteSpace(FeatureColumnName, nameof(FeatureColumnName));
            if (StandardModel is null && StandardTrainer is null)
                throw new ArgumentException("Give the standard model: StandardModel (fitted) or StandardTrainer (options to train it).", nameof(StandardModel));
            if (RobustModel is null && RobustTrainer is null)
                throw new ArgumentException("Give the robust model: RobustModel (fitted) or RobustTrainer (options to train it, with adversarial training).", nameof(RobustModel));
            if (ConstantAlpha is { } a && !(a >= 0 && a <= 1))
                throw new ArgumentOutOfRangeException(nameof(ConstantAlpha), a, "ConstantAlpha must be in [0, 1], or null to train the mixing network.");
            if (Attack is null) throw new ArgumentNullException(nameof(Attack), "Attack (the training adversary's options) must not be null.");
            Attack.Validate();
            if (!(EpsilonLow > 0 && EpsilonLow <= EpsilonHigh && double.IsFinite(EpsilonHigh)))
                throw new ArgumentOutOfRangeException(nameof(EpsilonLow), $"Need 0 < EpsilonLow <= EpsilonHigh < ∞; got {EpsilonLow} and {EpsilonHigh}.");
            ArgumentOutOfRangeException.ThrowIfLessThan(MixingHiddenSize, 1, nameof(MixingHiddenSize));
            ArgumentOutOfRangeException.ThrowIfLessThan(Epochs, 1, nameof(Epochs));
            ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 2, nameof(BatchSize));
            Positive(LearningRate, nameof(LearningRate));
            Positive(GradientClipNorm, nameof(GradientClipNorm));
            NonNegative(WeightDecay, nameof(WeightDecay));
            NonNegative(BceWeight, nameof(BceWeight));
            NonNegative(CrossEntropyWeight, nameof(CrossEntropyWeight));
            if (BceWeight == 0 && CrossEntropyWeight == 0)
                throw new ArgumentOutOfRangeException(nameof(BceWeight), "BceWeight and CrossEntropyWeight are both 0: nothing to train.");
            if (!double.IsFinite(GammaScale) || !double.IsFinite(GammaBias))
                throw new ArgumentOutOfRangeException(nameof(GammaScale), $"GammaScale and GammaBias must be finite; got {GammaScale} and {GammaBias}.");
            if (GammaClamp is { } clamp) Positive(clamp, nameof(GammaClamp));
            AdaptiveSmoothingModelParameters.CheckAlphaRange(AlphaScale, AlphaBias);
            Positive(StandardLogitScale, nameof(StandardLogitScale));
            Positive(RobustLogitScale, nameof(RobustLogitScale));
            if (NumberOfThreads is { } threads && (threads < 1 || threads > Environment.ProcessorCount))
                throw new ArgumentOutOfRangeException(nameof(NumberOfThreads), threads,
                    $"NumberOfThreads must be in [1, {Environment.ProcessorCount}] (the processor count), or null to leave TorchSharp's setting as it is.");
        }

        private static void Positive(double value, string name)
        {
            if (!(value > 0 && double.IsFinite(value))) throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number > 0.");
        }

        private static void NonNegative(double value, string name)
        {
            if (!(value >= 0 && double.IsFinite(value))) throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number >= 0.");
        }
    }

    private readonly Options _options;

    /// <summary>Creates the trainer for <paramref name="task"/> from a validated copy of <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">An option is invalid, or a base model or trainer option does not fit the task.</exception>
    internal AdaptiveSmoothingTrainer(Options options, PredictionTask task)
    {
        ArgumentNullException.ThrowIfNull(options);
        var copy = options.Clone();
        copy.Validate();
        Task = task;
        foreach (var (model, name) in new[] { (copy.StandardModel, nameof(Options.StandardModel)), (copy.RobustModel, nameof(Options.RobustModel)) })
        {
            if (model is not null && model.Task != task)
                throw new ArgumentException($"{name} is a {model.Task} model; this trainer mixes {task} models.", name);
        }
        foreach (var (trainer, name) in new[] { (copy.StandardTrainer, nameof(Options.StandardTrainer)), (copy.RobustTrainer, nameof(Options.RobustTrainer)) })
        {
            bool fits = trainer is null || (task == PredictionTask.BinaryClassification
                ? trainer is NeuralNetworkBinaryTrainer.Options
                : trainer is NeuralNetworkMulticlassTrainer.Options);
            if (!fits)
                throw new ArgumentException($"{name} is a {trainer!.GetType().Name}; {task} needs " +
                    (task == PredictionTask.BinaryClassification ? "NeuralNetworkBinaryTrainer.Options." : "NeuralNetworkMulticlassTrainer.Options."), name);
        }
        if (copy.StandardModel is { } s && copy.RobustModel is { } r)
        {
            CheckFeatureColumns(s, r);
            AdaptiveSmoothingModelParameters.Validate(s.Model, r.Model, copy.ConstantAlpha is null);
        }
        _options = copy;
    }

    /// <summary>Binary or multiclass classification.</summary>
    public PredictionTask Task { get; }

    /// <summary>The composite's seed, and seeds drawn from it for base-model trainer options that leave theirs unset (the shared
    /// options are copied first).</summary>
    void IContextSeeded.UseSeedIfUnset(int seed)
    {
        _options.Seed ??= seed;
        var draws = new Random(seed);
        int standardSeed = draws.Next(), robustSeed = draws.Next();
        if (_options.StandardTrainer is { Seed: null } standard) _options.StandardTrainer = standard.CloneWithSeed(standardSeed);
        if (_options.RobustTrainer is { Seed: null } robust) _options.RobustTrainer = robust.CloneWithSeed(robustSeed);
    }

    /// <summary>Trains the missing base models and the mixing network on <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentException">A column is missing or mistyped, the data is empty or holds NaN/∞, the base models read other
    /// feature columns or sizes, know other classes than the label column, or differ from each other.</exception>
    /// <exception cref="InvalidOperationException">The mixing network's loss diverged.</exception>
    public AdaptiveSmoothingPredictionTransformer Fit(IDataView input) => Fit(input, CancellationToken.None);

    /// <summary>As <see cref="Fit(IDataView)"/>, checking <paramref name="cancellationToken"/> before every batch.</summary>
    public AdaptiveSmoothingPredictionTransformer Fit(IDataView input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = _options;
        var (featureCount, classCount) = DataPacker.CheckSchema(input.Schema, Task, o.FeatureColumnName, o.LabelColumnName, null);
        var trained = new List<NeuralNetworkPredictionTransformer>();
        try
        {
            var standard = o.StandardModel ?? Train(o.StandardTrainer!, input, trained, cancellationToken);
            var robust = o.RobustModel ?? Train(o.RobustTrainer!, input, trained, cancellationToken);
            foreach (var (model, name) in new[] { (standard, nameof(Options.StandardModel)), (robust, nameof(Options.RobustModel)) })
            {
                if (model.FeatureColumnName != o.FeatureColumnName)
                    throw new ArgumentException($"{name} reads the feature column '{model.FeatureColumnName}'; this trainer's FeatureColumnName is '{o.FeatureColumnName}'.", name);
                if (model.Model.Architecture.InputSize != featureCount)
                    throw new ArgumentException($"{name} reads {model.Model.Architecture.InputSize} features; column '{o.FeatureColumnName}' has {featureCount}.", name);
            }
            CheckFeatureColumns(standard, robust);
            AdaptiveSmoothingModelParameters.Validate(standard.Model, robust.Model, o.ConstantAlpha is null);
            var labelColumn = input.Schema[o.LabelColumnName];
            if (Task == PredictionTask.MulticlassClassification)
            {
                var names = TrainerSchema.KeyNames(labelColumn, classCount);
                if (standard.Model.ClassNames is { } known && !known.SequenceEqual(names, StringComparer.Ordinal))
                    throw new ArgumentException(
                        $"The base models know the classes [{string.Join(", ", known)}]; label column '{o.LabelColumnName}' has [{string.Join(", ", names)}].", nameof(input));
            }

            int seed = o.Seed ?? Random.Shared.Next();
            AdaptiveSmoothingModelParameters parameters;
            if (o.ConstantAlpha is { } alpha)
            {
                parameters = new(standard.Model, robust.Model, alpha, null, 0, o.GammaScale, o.GammaBias, o.AlphaScale, o.AlphaBias,
                    o.StandardLogitScale, o.RobustLogitScale, [], seed);
            }
            else
            {
                var data = DataPacker.Pack(input, Task, o.FeatureColumnName, o.LabelColumnName, null, cancellationToken: cancellationToken);
                int inputs = standard.Model.Architecture.HiddenSizes[^1] + robust.Model.Architecture.HiddenSizes[^1];
                IReadOnlyList<NamedTensorData> initialWeights;
                using (var generator = new TorchSharp.torch.Generator((ulong)seed))
                using (var mixer = new MixingNetwork(inputs, o.MixingHiddenSize, o.GammaScale, o.GammaBias, generator))
                {
                    initialWeights = mixer.GetWeights();
                }
                var initial = new AdaptiveSmoothingModelParameters(standard.Model, robust.Model, null, initialWeights, o.MixingHiddenSize,
                    o.GammaScale, o.GammaBias, o.AlphaScale, o.AlphaBias, o.StandardLogitScale, o.RobustLogitScale, [], seed);
                var settings = new MixingTrainingSettings(o.Epochs, o.BatchSize, o.LearningRate, o.WeightDecay, o.BceWeight, o.CrossEntropyWeight,
                    o.GradientClipNorm, o.EpsilonLow, o.EpsilonHigh, o.GammaClamp, o.NumberOfThreads);
                var (weights, history) = MixingNetworkTraining.Train(initial, data, settings, PgdAdversary(o.Attack), seed, cancellationToken);
                parameters = new(standard.Model, robust.Model, null, weights, o.MixingHiddenSize, o.GammaScale, o.GammaBias, o.AlphaScale,
                    o.AlphaBias, o.StandardLogitScale, o.RobustLogitScale, history, seed);
            }
            return new AdaptiveSmoothingPredictionTransformer(parameters, o.FeatureColumnName,
                Task == PredictionTask.MulticlassClassification ? labelColumn.Annotations : null);
        }
        finally
        {
            // The composite holds its own copies of the networks; base models trained here are not handed out.
            foreach (var t in trained) t.Dispose();
        }
    }

    /// <summary>The input columns plus the task's score columns.</summary>
    /// <exception cref="ArgumentException">A required column is missing or has the wrong kind or type.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        TrainerSchema.GetOutputSchema(inputSchema, Task, _options.FeatureColumnName, _options.LabelColumnName);

    /// <summary>PGD at each row's radius through the composite (eval mode, no α range), as the training adversary; the step size
    /// scales with the row's radius.</summary>
    internal static MixingNetworkTraining.Adversary PgdAdversary(PgdAttack.Options attack) => (composite, features, labels, radiusScale, generator) =>
    {
        using var view = new AdaptiveSmoothingClassifier(composite, scaleAlpha: false, ownsNetwork: false);
        return new PgdAttack(attack).PerturbWithRadii(view, features, labels, generator, radiusScale);
    };

    private static NeuralNetworkPredictionTransformer Train(NeuralNetworkOptionsBase options, IDataView input, List<NeuralNetworkPredictionTransformer> trained,
                                                     CancellationToken cancellationToken)
    {
        NeuralNetworkTrainerBase trainer = options switch
        {
            NeuralNetworkBinaryTrainer.Options b => new NeuralNetworkBinaryTrainer(b),
            NeuralNetworkMulticlassTrainer.Options m => new NeuralNetworkMulticlassTrainer(m),
            _ => throw new ArgumentException($"Unsupported base-model options {options.GetType().Name}.", nameof(options)),
        };
        var model = trainer.Fit(input, cancellationToken);
        trained.Add(model);
        return model;
    }

    private static void CheckFeatureColumns(NeuralNetworkPredictionTransformer standard, NeuralNetworkPredictionTransformer robust)
    {
        if (standard.FeatureColumnName != robust.FeatureColumnName)
            throw new ArgumentException(
                $"The base models read different feature columns: standard '{standard.FeatureColumnName}', robust '{robust.FeatureColumnName}'.", nameof(Options.RobustModel));
    }
}
