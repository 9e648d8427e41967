using Microsoft.ML;
using Microsoft.ML.Data;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// Scores an adaptive-smoothing classifier inside an ML.NET pipeline with the columns our neural classifiers add: binary <c>Score</c>
/// (the mixture's logit log p − log(1 − p)), <c>Probability</c> (the mixed probability p) and <c>PredictedLabel</c>; multiclass
/// <c>Score</c> (the mixed class probabilities) and <c>PredictedLabel</c> (a key with the label's key values). Evaluators,
/// <c>PredictionEngine</c>, permutation feature importance and <c>mlContext.Model.SaveWithOnnx</c> work on it.
/// </summary>
/// <remarks>
/// Rows with a NaN or ±∞ feature are scored as missing, as by <see cref="NeuralNetworkPredictionTransformer"/>. Sequential cursors
/// score blocks of rows with one TorchSharp pass; <c>PredictionEngine</c> and shuffled cursors score row by row (the same network, one
/// row at a time; the mixing network's batch norm uses its running statistics, so rows do not affect each other).
/// </remarks>
public sealed class AdaptiveSmoothingPredictionTransformer : ISingleFeaturePredictionTransformer<AdaptiveSmoothingModelParameters>,
                                                             IOnnxConvertibleTransformer, IAttackableTransformer, IDisposable
{
    private readonly AdaptiveSmoothingNetwork _network;
    private readonly ITransformer _scorer;
    private readonly DataViewSchema.Annotations? _labelAnnotations;
    private readonly ReaderWriterLockSlim _networkLock = new();
    private volatile bool _disposed;

    internal AdaptiveSmoothingPredictionTransformer(AdaptiveSmoothingModelParameters model, string featureColumnName,
                                                    DataViewSchema.Annotations? labelAnnotations)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(featureColumnName);
        Model = model;
        FeatureColumnName = featureColumnName;
        FeatureColumnType = new VectorDataViewType(NumberDataViewType.Single, model.FeatureCount);
        _labelAnnotations = KeyValuesAnnotation.Detach(labelAnnotations);
        _network = new AdaptiveSmoothingNetwork(model);
        _scorer = ScoreColumnMapping.Create(model.Task, featureColumnName, (VectorDataViewType)FeatureColumnType, RawWidth,
            _labelAnnotations, model.ClassNames, ForwardRow);
    }

    /// <summary>The base models, the mixing network's weights (or the constant α) and the mixing constants.</summary>
    public AdaptiveSmoothingModelParameters Model { get; }

    /// <summary>The feature column both base models read.</summary>
    public string FeatureColumnName { get; }

    /// <summary>A vector of Single of the base models' feature count.</summary>
    public DataViewType FeatureColumnType { get; }

    /// <inheritdoc />
    public bool IsRowToRowMapper => true;

    /// <summary>Raw outputs per row: 1 (the binary logit) or the class count.</summary>
    private int RawWidth => Model.Task == PredictionTask.BinaryClassification ? 1 : Model.ClassCount;

    /// <summary>
    /// The same base models mixed with a constant α (the points of the accuracy-robustness trade-off curve: α = 0 is the standard
    /// model, α = 1 the robust one). The new transformer owns its own networks; dispose it too.
    /// </summary>
    /// <param name="alpha">α in [0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="alpha"/> is outside [0, 1].</exception>
    public AdaptiveSmoothingPredictionTransformer WithConstantAlpha(double alpha) =>
        new(Model.WithConstantAlpha(alpha), FeatureColumnName, _labelAnnotations);

    /// <summary>
    /// A new differentiable view of the whole composite for attacks (<see cref="AdversarialAttack"/>): its log-probabilities are the
    /// mixture's, with α(x) computed as at prediction and differentiated too (an adaptive attack). It owns its own copy of the networks;
    /// dispose it.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The transformer was disposed.</exception>
    public IDifferentiableClassifier CreateDifferentiableClassifier()
    {
        ThrowIfDisposed();
        return new AdaptiveSmoothingClassifier(new AdaptiveSmoothingNetwork(Model), scaleAlpha: true, ownsNetwork: true);
    }

    /// <summary>The mixing weights α(x) of the rows of <paramref name="input"/> (as used for prediction, inside the α range), in row order.</summary>
    /// <param name="input">Data with the feature column.</param>
    /// <exception cref="ArgumentException">The feature column is missing or mistyped.</exception>
    public float[] GetAlphas(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ThrowIfDisposed();
        CheckFeatureColumn(input.Schema);
        var rows = input.GetColumn<VBuffer<float>>(FeatureColumnName).Select(v => v.DenseValues().ToArray()).ToList();
        var features = rows.SelectMany(r => r).ToArray();
        return WithNetwork(() =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            using var x = tensor(features, new long[] { rows.Count, Model.FeatureCount });
            var (logAlpha, _) = AlphaOf(x);
            return logAlpha.exp().data<float>().ToArray();
        });
    }

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ThrowIfDisposed();
        CheckFeatureColumn(inputSchema);
        return _scorer.GetOutputSchema(inputSchema);
    }

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ThrowIfDisposed();
        CheckFeatureColumn(inputSchema);
        return _scorer.GetRowToRowMapper(inputSchema);
    }

    /// <inheritdoc />
    /// <exception cref="ObjectDisposedException">The transformer was disposed.</exception>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ThrowIfDisposed();
        CheckFeatureColumn(input.Schema);
        return new BatchScoringDataView(input, _scorer.Transform(input), FeatureColumnName, Model.Task, RawWidth, ForwardBatch, ThrowIfDisposed);
    }

    /// <summary>The composite as one ONNX graph (both base models, the mixing network, the mixture in log space) with this transformer's
    /// feature column and output columns, for <c>SaveWithOnnx</c> / <c>ConvertToOnnxBacked</c>.</summary>
    public OnnxScoringModel GetOnnxScoringModel() =>
        new(AdaptiveSmoothingOnnxExporter.Export(Model, FeatureColumnName), Model.Task, FeatureColumnName, Model.FeatureCount,
            Model.ClassNames?.ToArray());

    void ICanSaveModel.Save(ModelSaveContext ctx) => throw new NotSupportedException(
        "mlContext.Model.Save cannot store a transformer from an external assembly. Use mlContext.Model.SaveWithOnnx (or ConvertToOnnxBacked) instead.");

    /// <summary>Releases the networks' native memory (waiting for passes in progress); a second call does nothing.</summary>
    public void Dispose()
    {
        _networkLock.EnterWriteLock();
        try
        {
            if (_disposed) return;
            _disposed = true;
            _network.Dispose();
        }
        finally
        {
            _networkLock.ExitWriteLock();
        }
    }

    /// <summary>log α(x) and log(1 − α(x)) [n] at prediction (inside the α range).</summary>
    private (Tensor LogAlpha, Tensor LogOneMinusAlpha) AlphaOf(Tensor x)
    {
        var (_, gamma) = _network.Forward(x, scaleAlpha: true);
        return _network.Mixer is null
            ? MixtureMath.ConstantLogWeights(x.shape[0], Model.ConstantAlpha!.Value, x.device)
            : MixtureMath.LogWeights(gamma, Model.AlphaScale, Model.AlphaBias);
    }

    private T WithNetwork<T>(Func<T> action)
    {
        _networkLock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            return action();
        }
        finally
        {
            _networkLock.ExitReadLock();
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private void CheckFeatureColumn(DataViewSchema schema)
    {
        var column = schema.GetColumnOrNull(FeatureColumnName)
            ?? throw new ArgumentException($"The feature column '{FeatureColumnName}' was not found in the input.", nameof(schema));
        if (!column.Type.Equals(FeatureColumnType))
            throw new ArgumentException(
                $"Schema mismatch for feature column '{FeatureColumnName}': expected {FeatureColumnType}, got {column.Type}.", nameof(schema));
    }

    private float[] ForwardRow(VBuffer<float> features)
    {
        var outputs = new float[RawWidth];
        ForwardBatch(DenseValues(features), 1, outputs);
        return outputs;
    }

    /// <summary>One row's features as a dense array (a sparse row is expanded).</summary>
    private static float[] DenseValues(VBuffer<float> features)
    {
        var dense = new float[features.Length];
        features.CopyTo(dense);
        return dense;
    }

    /// <summary>Writes the raw outputs (binary logit, multiclass log-probabilities) of the first <paramref name="rows"/> rows packed
    /// row-major in <paramref name="features"/> to the start of <paramref name="outputs"/>; all NaN for rows with a non-finite feature.
    /// Both buffers are read and written in place (the batched view reuses them from block to block).</summary>
    private void ForwardBatch(float[] features, int rows, float[] outputs)
    {
        int inputs = Model.FeatureCount;
        WithNetwork(() =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var x = AlignedTensor.CopyRows(features, rows, inputs);
            frombuffer(outputs, ScalarType.Float32, (long)rows * RawWidth).view(rows, RawWidth).copy_(_network.RawOutputs(x));
            return rows;
        });
        ScoreMath.ApplyNonFinitePolicy(features.AsSpan(0, rows * inputs), inputs, outputs, RawWidth);
    }
}
