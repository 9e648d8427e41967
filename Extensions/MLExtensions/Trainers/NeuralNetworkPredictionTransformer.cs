using Microsoft.ML;
using Microsoft.ML.Data;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// Scores a trained network inside an ML.NET pipeline, adding the columns ML.NET's own trainers add: binary <c>Score</c>,
/// <c>Probability</c> and <c>PredictedLabel</c>; multiclass <c>Score</c> (one probability per class) and <c>PredictedLabel</c>
/// (a key with the label's key values); regression <c>Score</c>. Evaluators, <c>PredictionEngine</c> and permutation feature
/// importance work on it.
/// </summary>
/// <remarks>
/// <para><c>mlContext.Model.Save</c> cannot store a transformer from an external assembly; convert the fitted pipeline to an
/// ONNX-backed ML.NET pipeline first (see the README, "Saving and deploying").</para>
/// <para>A row with a NaN or ±∞ feature is scored as missing, on every path (batched <c>Transform</c>, row by row,
/// <c>PredictionEngine</c>, ONNX-backed): <c>Score</c> NaN (every slot for multiclass), <c>Probability</c> NaN, binary
/// <c>PredictedLabel</c> false, multiclass <c>PredictedLabel</c> the missing key 0. Training rejects such rows instead.</para>
/// </remarks>
public sealed class NeuralNetworkPredictionTransformer : ISingleFeaturePredictionTransformer<NeuralNetworkModelParameters>,
                                                         IOnnxConvertibleTransformer, IAttackableTransformer, IDisposable
{
    private readonly MlpNetwork _network;
    private readonly MlpRowEvaluator _rowEvaluator;
    private readonly ITransformer _scorer;
    private readonly DataViewSchema.Annotations? _labelAnnotations;

    /// <summary>Batched forward passes hold it for reading; <see cref="Dispose"/> takes it for writing, so it never frees the network mid-pass.</summary>
    private readonly ReaderWriterLockSlim _networkLock = new();
    private volatile bool _disposed;

    /// <remarks>Keeps no reference to the training data: the scorer is fitted on an empty view with just the feature column, and
    /// only a copy of the label's key values is kept.</remarks>
    internal NeuralNetworkPredictionTransformer(NeuralNetworkModelParameters model, MlpNetwork network, string featureColumnName,
                                                DataViewSchema.Annotations? labelAnnotations)
    {
        Model = model;
        _network = network;
        FeatureColumnName = featureColumnName;
        FeatureColumnType = new VectorDataViewType(NumberDataViewType.Single, model.Architecture.InputSize);
        _labelAnnotations = KeyValuesAnnotation.Detach(labelAnnotations);
        _rowEvaluator = new MlpRowEvaluator(model.Architecture, model.Weights);
        _scorer = CreateScorer();
    }

    /// <summary>The trained network's architecture, weights and history.</summary>
    public NeuralNetworkModelParameters Model { get; }

    /// <summary>The feature column the network reads.</summary>
    public string FeatureColumnName { get; }

    /// <summary>A vector of Single of the training feature count.</summary>
    public DataViewType FeatureColumnType { get; }

    /// <summary>The task the network serves.</summary>
    public PredictionTask Task => Model.Task;

    /// <inheritdoc />
    public bool IsRowToRowMapper => true;

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ThrowIfDisposed();
        CheckFeatureColumn(inputSchema);
        return _scorer.GetOutputSchema(inputSchema);
    }

    /// <inheritdoc />
    /// <exception cref="ObjectDisposedException">The transformer was disposed.</exception>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ThrowIfDisposed();
        CheckFeatureColumn(inputSchema);
        return _scorer.GetRowToRowMapper(inputSchema);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Sequential cursors score blocks of rows with one batched TorchSharp forward pass each; shuffled cursors (and
    /// <see cref="GetRowToRowMapper"/>, which <c>PredictionEngine</c> uses) score row by row in managed code. Both give the
    /// same values up to float32 summation order. After <see cref="Dispose"/>, this method, opening a cursor on a view made
    /// before it, reading an open sequential cursor and a <c>PredictionEngine</c> throw <see cref="ObjectDisposedException"/> (an open
    /// shuffled cursor gets it wrapped by ML.NET's multi-threaded cursor in an <see cref="InvalidOperationException"/>).
    /// </remarks>
    /// <exception cref="ObjectDisposedException">The transformer was disposed.</exception>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ThrowIfDisposed();
        CheckFeatureColumn(input.Schema);
        return new BatchScoringDataView(input, _scorer.Transform(input), FeatureColumnName, Model.Task, Model.Architecture.OutputSize, ForwardBatch,
            ThrowIfDisposed, ForwardSparseBatch);
    }

    /// <summary>A new differentiable view of the classifier for attacks (see <see cref="NeuralNetworkModelParameters.CreateDifferentiableClassifier"/>).</summary>
    /// <exception cref="NotSupportedException">The network is a regression network.</exception>
    /// <exception cref="ObjectDisposedException">The transformer was disposed.</exception>
    public IDifferentiableClassifier CreateDifferentiableClassifier()
    {
        ThrowIfDisposed();
        return Model.CreateDifferentiableClassifier();
    }

    /// <summary>The network as an ONNX graph with this transformer's feature column and output columns (for <c>ConvertToOnnxBacked</c>).</summary>
    public OnnxScoringModel GetOnnxScoringModel() =>
        OnnxScoringModel.FromMlp(Model.Architecture, Model.Weights, Model.Task, FeatureColumnName, Model.ClassNames);

    void ICanSaveModel.Save(ModelSaveContext ctx) => throw new NotSupportedException(
        "mlContext.Model.Save cannot store a transformer from an external assembly. Convert the fitted pipeline to an ONNX-backed " +
        "ML.NET pipeline first (mlContext.Model.ConvertToOnnxBacked) and save that.");

    /// <summary>Releases the network's native memory (waiting for batched passes in progress); a second call does nothing.</summary>
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

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private void CheckFeatureColumn(DataViewSchema schema)
    {
        var column = schema.GetColumnOrNull(FeatureColumnName)
            ?? throw new ArgumentException($"The feature column '{FeatureColumnName}' was not found in the input.", nameof(schema));
        if (!column.Type.Equals(FeatureColumnType))
            throw new ArgumentException(
                $"Schema mismatch for feature column '{FeatureColumnName}': expected {FeatureColumnType}, got {column.Type}.", nameof(schema));
    }

    private ITransformer CreateScorer() => ScoreColumnMapping.Create(Model.Task, FeatureColumnName, (VectorDataViewType)FeatureColumnType,
        Model.Architecture.OutputSize, _labelAnnotations, Model.ClassNames, ForwardRow);

    /// <summary>
    /// The network's outputs for one row, computed in managed code (cheaper than native calls for a single row); all NaN for a row
    /// with a non-finite feature.
    /// </summary>
    /// <remarks>A sparse row stays sparse: the first layer sums only its explicit slots' weights.</remarks>
    private float[] ForwardRow(VBuffer<float> features)
    {
        ThrowIfDisposed();
        var outputs = new float[Model.Architecture.OutputSize];
        var values = features.GetValues();
        if (!ScoreMath.ApplyNonFinitePolicy(values, outputs))
        {
            if (features.IsDense)
            {
                _rowEvaluator.Evaluate(values, outputs);
            }
            else
            {
                _rowEvaluator.EvaluateSparse(features.GetIndices(), values, outputs);
            }
        }

        return outputs;
    }

    /// <summary>
    /// Writes the network's outputs for the sparse rows of <paramref name="block"/> (one sparse × dense product in the first layer) to the
    /// start of <paramref name="outputs"/>; all NaN for rows with a non-finite value.
    /// </summary>
    private void ForwardSparseBatch(SparseScoringBlock block, float[] outputs)
    {
        ForwardUnderReadLock(block.ToCooTensor, block.RowCount, outputs);
        int width = Model.Architecture.OutputSize;
        for (int r = 0; r < block.RowCount; r++)
        {
            ScoreMath.ApplyNonFinitePolicy(block.RowValues(r), outputs.AsSpan(r * width, width));
        }
    }

    /// <summary>
    /// Writes the network's outputs for the first <paramref name="rows"/> rows packed row-major in <paramref name="features"/> to the
    /// start of <paramref name="outputs"/>; all NaN for rows with a non-finite feature. The block is copied into an aligned tensor first,
    /// so the scores do not depend on where the managed buffer lies.
    /// </summary>
    internal void ForwardBatch(float[] features, int rows, float[] outputs)
    {
        int inputs = Model.Architecture.InputSize;
        // Copied into aligned memory (see AlignedTensor: in place, scores differed in the last bits from one Transform to the next).
        ForwardUnderReadLock(() => AlignedTensor.CopyRows(features, rows, inputs), rows, outputs);
        ScoreMath.ApplyNonFinitePolicy(features.AsSpan(0, rows * inputs), inputs, outputs, Model.Architecture.OutputSize);
    }

    /// <summary>One forward pass of the network, without gradients, on the input <paramref name="makeInput"/> makes inside the pass's
    /// dispose scope, under the read lock that <see cref="Dispose"/> takes for writing; the <paramref name="rows"/> rows of outputs are
    /// copied into the start of <paramref name="outputs"/> (a tensor over that buffer, so one native copy and no new array).</summary>
    private void ForwardUnderReadLock(Func<Tensor> makeInput, int rows, float[] outputs)
    {
        _networkLock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var result = _network.forward(makeInput());
            int width = Model.Architecture.OutputSize;
            frombuffer(outputs, ScalarType.Float32, (long)rows * width).view(rows, width).copy_(result);
        }
        finally
        {
            _networkLock.ExitReadLock();
        }
    }
}
