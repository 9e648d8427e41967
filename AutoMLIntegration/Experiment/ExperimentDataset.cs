using Microsoft.ML;

namespace MLExtensions.AutoML;

/// <summary>The data of an experiment: a train/validation pair, or K folds of one data view (rebuilt per trial).</summary>
internal sealed class ExperimentDataset
{
    private ExperimentDataset(IDataView train, IDataView? validation, int folds, string? samplingKeyColumnName)
    {
        Train = train;
        Validation = validation;
        Folds = folds;
        SamplingKeyColumnName = samplingKeyColumnName;
    }

    /// <summary>The training data (all the data with folds).</summary>
    public IDataView Train { get; }

    /// <summary>The validation data; null with folds.</summary>
    public IDataView? Validation { get; }

    /// <summary>The number of folds; 0 with a validation set.</summary>
    public int Folds { get; }

    /// <summary>The column that keeps related rows in one fold.</summary>
    public string? SamplingKeyColumnName { get; }

    public static ExperimentDataset FromSplit(IDataView train, IDataView validation) =>
        new(train ?? throw new ArgumentNullException(nameof(train)), validation ?? throw new ArgumentNullException(nameof(validation)), 0, null);

    public static ExperimentDataset FromFolds(IDataView data, int folds, string? samplingKeyColumnName)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (folds < 2)
        {
            throw new ArgumentOutOfRangeException("fold", folds, "Cross-validation needs at least 2 folds.");
        }

        if (samplingKeyColumnName is not null && data.Schema.GetColumnOrNull(samplingKeyColumnName) is null)
        {
            throw new ArgumentException($"The data has no column '{samplingKeyColumnName}' (samplingKeyColumnName).", nameof(samplingKeyColumnName));
        }

        return new(data, null, folds, samplingKeyColumnName);
    }

    /// <summary>The (train, evaluation) pairs of a trial; folds are split with <paramref name="seed"/> (the experiment's, so every trial sees the same folds).</summary>
    public IReadOnlyList<(IDataView Train, IDataView Evaluation)> GetSplits(MLContext context, int seed) =>
        Folds == 0
            ? [(Train, Validation!)]
            : context.Data.CrossValidationSplit(Train, Folds, SamplingKeyColumnName, seed).Select(f => (f.TrainSet, f.TestSet)).ToList();

    /// <summary>All the training rows, for the refit.</summary>
    public IDataView AllData => Validation is null ? Train : new ConcatenatedDataView(Train, Validation);
}
