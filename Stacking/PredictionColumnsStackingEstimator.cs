using Microsoft.ML;

namespace MLExtensions;

/// <summary>
/// Stacks prediction columns that are already in the data, such as out-of-fold predictions brought from elsewhere (the Kaggle
/// workflow): fits a <see cref="StackingCombiner"/> on the columns and the label and returns a transformer that writes the stacked
/// <c>Score</c> (and <c>Probability</c>, <c>PredictedLabel</c> for binary classification) from the same columns.
/// </summary>
public sealed class PredictionColumnsStackingEstimator : IEstimator<StackingTransformer>
{
    /// <summary>Settings.</summary>
    public sealed class Options
    {
        /// <summary>The label column: Single or Double for regression, Boolean for binary classification.</summary>
        /// <value>Default "Label".</value>
        public string LabelColumnName { get; set; } = StackingColumnNames.Label;

        /// <summary>The prediction columns (Single scalars; probabilities in [0, 1] for binary classification), one per base model.</summary>
        /// <value>No default; at least one, unique.</value>
        public string[] PredictionColumnNames { get; set; } = [];

        /// <summary>
        /// The column giving each row's fold, usually the folds the out-of-fold predictions were made with: every cross-validation
        /// of the combiner (alpha searches, outer folds, the choice among combiners) then uses these folds instead of its own.
        /// </summary>
        /// <value>
        /// Default null (the combiner's own seeded folds). Otherwise a scalar integer, key, Single or Double column of whole numbers
        /// ≥ 0 with at least 2 distinct values (the meta-learning pipeline needs 3).
        /// </value>
        public string? FoldColumnName { get; set; }

        /// <summary>How the predictions are combined.</summary>
        /// <value>Default: <see cref="RegularizedMetaLearningCombiner"/> for regression, <see cref="RegularizedLogisticMetaLearningCombiner"/> for binary classification.</value>
        public StackingCombiner? Combiner { get; set; }

        /// <summary>The task.</summary>
        /// <value>Default <see cref="StackingTask.Regression"/>.</value>
        public StackingTask Task { get; set; } = StackingTask.Regression;

        /// <summary>A copy (the combiner is shared: combiners are immutable once built).</summary>
        /// <returns>The copy.</returns>
        public Options Clone() => new()
        {
            LabelColumnName = LabelColumnName,
            PredictionColumnNames = (string[])PredictionColumnNames?.Clone()!,
            FoldColumnName = FoldColumnName,
            Combiner = Combiner,
            Task = Task,
        };

        /// <summary>Checks the settings.</summary>
        public void Validate()
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(LabelColumnName);
            if (PredictionColumnNames is null || PredictionColumnNames.Length == 0)
            {
                throw new ArgumentException("At least one prediction column is required.", nameof(PredictionColumnNames));
            }

            if (PredictionColumnNames.Any(string.IsNullOrWhiteSpace) || PredictionColumnNames.Distinct(StringComparer.Ordinal).Count() != PredictionColumnNames.Length)
            {
                throw new ArgumentException("Prediction column names must be non-empty and unique.", nameof(PredictionColumnNames));
            }

            if (!Enum.IsDefined(Task))
            {
                throw new ArgumentOutOfRangeException(nameof(Task), Task, "must be Regression or BinaryClassification.");
            }

            if (FoldColumnName is not null && (string.IsNullOrWhiteSpace(FoldColumnName) || FoldColumnName == LabelColumnName || PredictionColumnNames.Contains(FoldColumnName)))
            {
                throw new ArgumentException("FoldColumnName must be null or a non-empty name other than the label and prediction columns.", nameof(FoldColumnName));
            }
        }
    }

    private readonly Options _options;
    private readonly MLContext _ml = new(seed: 0);

    /// <summary>Creates the estimator with a validated copy of the options.</summary>
    /// <param name="options">Settings.</param>
    public PredictionColumnsStackingEstimator(Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Clone();
        _options.Validate();
    }

    /// <inheritdoc/>
    public StackingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var y = StackingScoring.ReadLabel(input, _options.LabelColumnName, _options.Task);
        StackingScoring.CheckFinite(y, _options.LabelColumnName, "label");
        var columns = new double[_options.PredictionColumnNames.Length][];
        for (int k = 0; k < columns.Length; k++)
        {
            string name = _options.PredictionColumnNames[k];
            var type = input.Schema.GetColumnOrNull(name)?.Type;
            if (type is not null && type != Microsoft.ML.Data.NumberDataViewType.Single)
            {
                throw new ArgumentException($"Schema mismatch for prediction column '{name}': expected Single, got {type}.", nameof(input));
            }

            columns[k] = StackingScoring.ReadNumeric(input, name, "prediction");
            StackingScoring.CheckFinite(columns[k], name, "prediction");
            if (_options.Task == StackingTask.BinaryClassification)
            {
                StackingScoring.CheckProbabilities(columns[k], name);
            }
        }

        if (y.Length == 0)
        {
            throw new ArgumentException("The training data has no rows.", nameof(input));
        }

        var folds = _options.FoldColumnName is null ? null : FoldColumn.Read(input, _options.FoldColumnName);
        var combiner = _options.Combiner ?? StackingDefaults.Combiner(_options.Task);
        var model = combiner.Fit(new PredictionMatrix(_options.PredictionColumnNames, columns), y, folds);
        var scoring = StackingScoring.Estimator(_ml, model, _options.PredictionColumnNames, _options.Task).Fit(input);
        return new StackingTransformer(model, _options.Task, [], scoring, [], _options.PredictionColumnNames);
    }

    /// <inheritdoc/>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        foreach (var name in _options.PredictionColumnNames)
        {
            StackingScoring.CheckShape(inputSchema, name, "prediction", boolean: false, singleOnly: true);
        }

        if (_options.FoldColumnName is not null)
        {
            FoldColumn.CheckShape(inputSchema, _options.FoldColumnName);
        }

        return StackingScoring.OutputShape(_ml, inputSchema, _options.Task);
    }
}
