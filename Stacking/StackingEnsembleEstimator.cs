using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions;

/// <summary>
/// Stacks any ML.NET estimators (regression trainers, or binary classifiers with a <c>Probability</c> column): produces their
/// out-of-fold predictions by K-fold cross-validation, fits a <see cref="StackingCombiner"/> on them, refits every base estimator
/// on all rows, and returns one transformer that predicts from the raw features.
/// </summary>
/// <remarks>
/// Base estimators are applied one after another to the input, so they must not overwrite the columns the others read (trainers
/// only add <c>Score</c>/<c>Probability</c>/<c>PredictedLabel</c>; put shared featurization before the stacking estimator).
/// </remarks>
public sealed class StackingEnsembleEstimator : IEstimator<StackingTransformer>
{
    /// <summary>Settings.</summary>
    public sealed class Options
    {
        /// <summary>Default values.</summary>
        public static class Defaults
        {
            /// <summary>Cross-validation folds for the out-of-fold predictions.</summary>
            public const int Folds = 5;

            /// <summary>Seed of the fold split.</summary>
            public const int Seed = 42;
        }

        /// <summary>The label column: Single for regression, Boolean for binary classification.</summary>
        /// <value>Default "Label".</value>
        public string LabelColumnName { get; set; } = StackingColumnNames.Label;

        /// <summary>Cross-validation folds for the out-of-fold predictions.</summary>
        /// <value>Default 5. At least 2.</value>
        public int Folds { get; set; } = Defaults.Folds;

        /// <summary>Seed of the fold split.</summary>
        /// <value>Default 42.</value>
        public int Seed { get; set; } = Defaults.Seed;

        /// <summary>
        /// The column giving each row's fold: the out-of-fold predictions then come from these folds (fold f predicted by base models
        /// trained on the other folds), <see cref="Folds"/> and the seeded split are not used, and the combiner's own
        /// cross-validations use the same folds.
        /// </summary>
        /// <value>
        /// Default null (ML.NET's seeded <c>CrossValidationSplit</c> into <see cref="Folds"/> folds). Otherwise a scalar integer,
        /// key, Single or Double column of whole numbers ≥ 0 with at least 2 distinct values (the meta-learning pipeline needs 3).
        /// </value>
        public string? FoldColumnName { get; set; }

        /// <summary>How the base predictions are combined.</summary>
        /// <value>Default: <see cref="RegularizedMetaLearningCombiner"/> for regression, <see cref="RegularizedLogisticMetaLearningCombiner"/> for binary classification.</value>
        public StackingCombiner? Combiner { get; set; }

        /// <summary>The task.</summary>
        /// <value>Default <see cref="StackingTask.Regression"/>.</value>
        public StackingTask Task { get; set; } = StackingTask.Regression;

        /// <summary>Names of the base models for reports (one per estimator).</summary>
        /// <value>Default null: "model0", "model1", ...</value>
        public string[]? BaseModelNames { get; set; }

        /// <summary>A copy.</summary>
        /// <returns>The copy.</returns>
        public Options Clone()
        {
            var copy = (Options)MemberwiseClone();
            copy.BaseModelNames = (string[]?)BaseModelNames?.Clone();
            return copy;
        }

        /// <summary>Checks the settings.</summary>
        public void Validate()
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(LabelColumnName);
            ArgumentOutOfRangeException.ThrowIfLessThan(Folds, 2);
            if (FoldColumnName is not null && (string.IsNullOrWhiteSpace(FoldColumnName) || FoldColumnName == LabelColumnName))
            {
                throw new ArgumentException("FoldColumnName must be null or a non-empty name other than the label column.", nameof(FoldColumnName));
            }

            if (!Enum.IsDefined(Task))
            {
                throw new ArgumentOutOfRangeException(nameof(Task), Task, "must be Regression or BinaryClassification.");
            }
        }
    }

    private readonly IEstimator<ITransformer>[] _baseEstimators;
    private readonly Options _options;
    private readonly string[] _names;

    /// <summary>Creates the estimator.</summary>
    /// <param name="baseEstimators">The base estimators (at least one), each reading the same input and writing <c>Score</c> (regression) or <c>Probability</c> (binary).</param>
    /// <param name="options">Settings; null for defaults.</param>
    public StackingEnsembleEstimator(IEnumerable<IEstimator<ITransformer>> baseEstimators, Options? options = null)
    {
        ArgumentNullException.ThrowIfNull(baseEstimators);
        _baseEstimators = baseEstimators.ToArray();
        if (_baseEstimators.Length == 0 || _baseEstimators.Any(e => e is null))
        {
            throw new ArgumentException("At least one base estimator is required, and none may be null.", nameof(baseEstimators));
        }

        _options = (options ?? new Options()).Clone();
        _options.Validate();
        _names = _options.BaseModelNames ?? Enumerable.Range(0, _baseEstimators.Length).Select(i => "model" + i).ToArray();
        if (_names.Length != _baseEstimators.Length || _names.Distinct(StringComparer.Ordinal).Count() != _names.Length)
        {
            throw new ArgumentException($"BaseModelNames must hold {_baseEstimators.Length} unique names.", nameof(Options.BaseModelNames));
        }
    }

    private string BaseOutput => _options.Task == StackingTask.Regression ? StackingColumnNames.Score : StackingColumnNames.Probability;

    /// <inheritdoc/>
    public StackingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var ml = new MLContext(_options.Seed);
        // The labels first, over the whole input: a bad one is reported by its input row, before any base model is fitted.
        var labels = StackingScoring.ReadLabel(input, _options.LabelColumnName, _options.Task);
        if (labels.Length == 0) throw new ArgumentException("The training data has no rows.", nameof(input));
        if (_options.FoldColumnName is null && labels.Length < _options.Folds)
            throw new ArgumentException(
                $"The training data has {labels.Length} rows, fewer than Folds ({_options.Folds}): every fold needs a held-out row. Lower Folds or add rows.",
                nameof(Options.Folds));
        StackingScoring.CheckFinite(labels, _options.LabelColumnName, "label", "the training data");
        var splits = _options.FoldColumnName is null
            ? ml.Data.CrossValidationSplit(input, _options.Folds, seed: _options.Seed).Select(s => (Train: s.TrainSet, Test: s.TestSet)).ToArray()
            : UserSplits(ml, input, _options.FoldColumnName);
        var label = new List<double>();
        var folds = new List<int>();
        var columns = _names.Select(_ => new List<double>()).ToArray();
        for (int f = 0; f < splits.Length; f++)
        {
            var split = splits[f];
            var y = StackingScoring.ReadLabel(split.Test, _options.LabelColumnName, _options.Task);
            label.AddRange(y);
            folds.AddRange(Enumerable.Repeat(f, y.Length));
            for (int i = 0; i < _baseEstimators.Length; i++)
            {
                var model = _baseEstimators[i].Fit(split.Train);
                var predictions = StackingScoring.ReadNumeric(model.Transform(split.Test), BaseOutput, $"base model '{_names[i]}' output");
                StackingScoring.CheckFinite(predictions, BaseOutput, $"base model '{_names[i]}' output", $"fold {f + 1}'s held-out rows");
                columns[i].AddRange(predictions);
            }
        }

        if (label.Count == 0)
        {
            throw new ArgumentException("The training data has no rows.", nameof(input));
        }

        var matrix = new PredictionMatrix(_names, columns.Select(c => c.ToArray()).ToArray());
        var labelArray = label.ToArray();
        var stackingModel = (_options.Combiner ?? StackingDefaults.Combiner(_options.Task))
            .Fit(matrix, labelArray, _options.FoldColumnName is null ? null : folds);

        var chain = new List<ITransformer>();
        var baseModels = new List<ITransformer>();
        var view = input;
        var copies = new string[_baseEstimators.Length];
        for (int i = 0; i < _baseEstimators.Length; i++)
        {
            var model = _baseEstimators[i].Fit(input);
            baseModels.Add(model);
            view = model.Transform(view);
            copies[i] = StackingColumnNames.BaseScore(i);
            var copy = ml.Transforms.CopyColumns(copies[i], BaseOutput).Fit(view);
            view = copy.Transform(view);
            chain.Add(model);
            chain.Add(copy);
        }

        var prefix = chain.ToArray();
        var scoring = StackingScoring.Estimator(ml, stackingModel, copies, _options.Task).Fit(view);
        chain.Add(scoring);
        return new StackingTransformer(stackingModel, _options.Task, baseModels, new TransformerChain<ITransformer>(chain.ToArray()), prefix, copies)
        {
            OutOfFoldPredictions = matrix,
            OutOfFoldLabel = labelArray,
        };
    }

    /// <summary>Train/test views per fold of the fold column (checked first), in increasing order of the column's values.</summary>
    private static (IDataView Train, IDataView Test)[] UserSplits(MLContext ml, IDataView input, string foldColumn)
    {
        var dense = FoldColumn.Read(input, foldColumn);
        var withValue = ml.Transforms.Conversion.ConvertType(FoldValue.Column, foldColumn, DataKind.Double).Fit(input).Transform(input);
        var values = withValue.GetColumn<double>(FoldValue.Column).ToArray();
        var splits = new (IDataView Train, IDataView Test)[StackingData.FoldCount(dense)];
        for (int f = 0; f < splits.Length; f++)
        {
            double value = values[Array.IndexOf(dense, f)];
            var distance = ml.Transforms.CustomMapping<FoldValue, FoldDistance>((i, o) => o.StackingFoldDistance = (float)Math.Abs(i.StackingFoldValue - value), contractName: null)
                .Fit(withValue).Transform(withValue);
            IDataView Part(double lower, double upper) => ml.Transforms.DropColumns(FoldValue.Column, FoldDistance.Column)
                .Fit(distance).Transform(ml.Data.FilterRowsByColumn(distance, FoldDistance.Column, lower, upper));
            splits[f] = (Part(0.5, double.PositiveInfinity), Part(0, 0.5));
        }

        return splits;
    }

    /// <summary>The fold column converted to Double (training-time only, never saved).</summary>
    private sealed class FoldValue
    {
        public const string Column = nameof(StackingFoldValue);

        public double StackingFoldValue { get; set; }
    }

    /// <summary>Distance of a row's fold value from the fold being held out.</summary>
    private sealed class FoldDistance
    {
        public const string Column = nameof(StackingFoldDistance);

        public float StackingFoldDistance { get; set; }
    }

    /// <inheritdoc/>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        if (_options.FoldColumnName is not null)
        {
            FoldColumn.CheckShape(inputSchema, _options.FoldColumnName);
        }

        var shape = inputSchema;
        foreach (var estimator in _baseEstimators)
        {
            shape = estimator.GetOutputSchema(shape);
            StackingScoring.CheckShape(shape, BaseOutput, "base model output", boolean: false, singleOnly: true);
        }

        return StackingScoring.OutputShape(new MLContext(0), shape, _options.Task);
    }
}
