using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions;

/// <summary>
/// Scores a trained GBNN inside an ML.NET pipeline. The boosted steps are assembled into one network with a single hidden
/// layer, scored like <see cref="NeuralNetworkPredictionTransformer"/> (same output columns, batched <c>Transform</c>, ONNX
/// conversion for <c>mlContext.Model.SaveWithOnnx</c>, rows with a NaN or ±∞ feature scored as missing). <see cref="Truncate"/>
/// keeps only the first steps.
/// </summary>
public sealed class GradientBoostedNeuralNetworkPredictionTransformer
    : ISingleFeaturePredictionTransformer<GradientBoostedNeuralNetworkModelParameters>, IOnnxConvertibleTransformer, IDisposable
{
    private readonly NeuralNetworkPredictionTransformer _scorer;
    private readonly DataViewSchema.Annotations? _labelAnnotations;

    internal GradientBoostedNeuralNetworkPredictionTransformer(GradientBoostedNeuralNetworkModelParameters model, string featureColumnName,
                                                               DataViewSchema.Annotations? labelAnnotations, int steps)
    {
        Model = model;
        StepsUsed = steps;
        _labelAnnotations = KeyValuesAnnotation.Detach(labelAnnotations);
        var (architecture, weights) = model.ToNetwork(steps);
        var network = new MlpNetwork(architecture);
        network.SetWeights(weights);
        network.eval();
        var parameters = new NeuralNetworkModelParameters(model.Task, architecture, weights, [], 0, model.Seed, "cpu", model.ClassNames);
        _scorer = new NeuralNetworkPredictionTransformer(parameters, network, featureColumnName, _labelAnnotations);
    }

    /// <summary>The boosting steps, initial score and seed.</summary>
    public GradientBoostedNeuralNetworkModelParameters Model { get; }

    /// <summary>
    /// How many of the model's steps this transformer scores with: all of <see cref="GradientBoostedNeuralNetworkModelParameters.Steps"/>
    /// (with validation, the best prefix of the steps trained), unless made by <see cref="Truncate"/>.
    /// </summary>
    public int StepsUsed { get; }

    /// <summary>The assembled network this transformer scores with (architecture and weights as named arrays).</summary>
    public NeuralNetworkModelParameters Network => _scorer.Model;

    /// <inheritdoc />
    public string FeatureColumnName => _scorer.FeatureColumnName;

    /// <inheritdoc />
    public DataViewType FeatureColumnType => _scorer.FeatureColumnType;

    /// <inheritdoc />
    public bool IsRowToRowMapper => true;

    /// <summary>
    /// A transformer that scores with the first <paramref name="steps"/> steps only: the last-trained units are switched off and
    /// their share of the output bias removed, so it equals <see cref="GradientBoostedNeuralNetworkModelParameters.PredictRaw"/>
    /// with that step count.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="steps"/> is not between 1 and the trained step count.</exception>
    public GradientBoostedNeuralNetworkPredictionTransformer Truncate(int steps) =>
        new(Model, FeatureColumnName, _labelAnnotations, steps);

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => _scorer.GetOutputSchema(inputSchema);

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => _scorer.GetRowToRowMapper(inputSchema);

    /// <inheritdoc />
    public IDataView Transform(IDataView input) => _scorer.Transform(input);

    /// <inheritdoc />
    public OnnxScoringModel GetOnnxScoringModel() => _scorer.GetOnnxScoringModel();

    void ICanSaveModel.Save(ModelSaveContext ctx) => ((ICanSaveModel)_scorer).Save(ctx);

    /// <summary>Releases the assembled network's native memory.</summary>
    public void Dispose() => _scorer.Dispose();
}
