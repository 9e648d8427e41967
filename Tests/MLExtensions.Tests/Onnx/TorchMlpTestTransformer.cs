using Microsoft.ML;
using Microsoft.ML.Data;
using static TorchSharp.torch;

namespace MLExtensions.Tests.Onnx;

/// <summary>
/// Test-only prediction transformer: scores with a real <see cref="MlpNetwork"/> (TorchSharp, eval mode) through an unsaveable
/// <c>CustomMapping</c> closure, with the output columns ML.NET's trainers give, and describes itself as ONNX for the conversion.
/// </summary>
internal sealed class TorchMlpTestTransformer : IOnnxConvertibleTransformer, IDisposable
{
    private readonly MlpNetwork _network;
    private readonly MlpArchitecture _architecture;
    private readonly IReadOnlyList<NamedTensorData> _weights;
    private readonly PredictionTask _task;
    private readonly IReadOnlyList<string>? _classNames;
    private readonly ITransformer _inner;
    private readonly object _gate = new();
    private readonly string _featureColumnName;
    private readonly DataKind? _classValueKind;

    public TorchMlpTestTransformer(MLContext mlContext, MlpArchitecture architecture, IReadOnlyList<NamedTensorData> weights,
                                   PredictionTask task, DataViewSchema inputSchema, IReadOnlyList<string>? classNames = null,
                                   string featureColumnName = "Features", DataKind? classValueKind = null)
    {
        _classValueKind = classValueKind;
        _featureColumnName = featureColumnName;
        _architecture = architecture;
        _weights = weights;
        _task = task;
        _classNames = classNames;
        _network = new MlpNetwork(architecture);
        _network.SetWeights(weights);
        _network.eval();

        var input = SchemaDefinition.Create(typeof(FeaturesRow));
        input[nameof(FeaturesRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, architecture.InputSize);
        input[nameof(FeaturesRow.Features)].ColumnName = featureColumnName;
        var empty = new EmptyDataView(inputSchema);
        _inner = task switch
        {
            PredictionTask.Regression => mlContext.Transforms.CustomMapping<FeaturesRow, RegressionRow>(
                (i, o) => o.Score = Forward(i.Features)[0], null, input).Fit(empty),
            PredictionTask.BinaryClassification => mlContext.Transforms.CustomMapping<FeaturesRow, BinaryRow>(
                (i, o) =>
                {
                    float logit = Forward(i.Features)[0];
                    o.Score = logit;
                    o.Probability = 1f / (1f + MathF.Exp(-logit));
                    o.PredictedLabel = o.Probability > 0.5f;
                }, null, input).Fit(empty),
            PredictionTask.MulticlassClassification => MulticlassMapping(mlContext, input, empty),
            _ => throw new ArgumentOutOfRangeException(nameof(task)),
        };
    }

    /// <summary>Replaces the description the conversion sees (to test bad ONNX models).</summary>
    public Func<OnnxScoringModel, OnnxScoringModel>? Tamper { get; set; }

    public OnnxScoringModel GetOnnxScoringModel()
    {
        var model = OnnxScoringModel.FromMlp(_architecture, _weights, _task, _featureColumnName, _classNames);
        return Tamper is null ? model : Tamper(model);
    }

    public bool IsRowToRowMapper => true;

    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => _inner.GetOutputSchema(inputSchema);

    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => _inner.GetRowToRowMapper(inputSchema);

    public IDataView Transform(IDataView input) => _inner.Transform(input);

    void ICanSaveModel.Save(ModelSaveContext ctx) => throw new NotSupportedException("Convert with ConvertToOnnxBacked before saving.");

    public void Dispose() => _network.Dispose();

    /// <summary>Score = softmax; PredictedLabel = key of the argmax, with the class names (or their parsed values) as key values.</summary>
    private ITransformer MulticlassMapping(MLContext mlContext, SchemaDefinition input, IDataView empty)
    {
        var output = SchemaDefinition.Create(typeof(MulticlassRow));
        output[nameof(MulticlassRow.Score)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, _architecture.OutputSize);
        IDataView keyData = mlContext.Transforms.SelectColumns(nameof(MulticlassRow.ClassName)).Fit(
                mlContext.Data.LoadFromEnumerable(_classNames!.Select(n => new MulticlassRow { ClassName = n }).ToArray(), output))
            .Transform(mlContext.Data.LoadFromEnumerable(_classNames!.Select(n => new MulticlassRow { ClassName = n }).ToArray(), output));
        IEstimator<ITransformer> pipeline = mlContext.Transforms.CustomMapping<FeaturesRow, MulticlassRow>(
            (i, o) =>
            {
                float[] logits = Forward(i.Features);
                float max = logits.Max();
                float[] e = logits.Select(l => MathF.Exp(l - max)).ToArray();
                float sum = e.Sum();
                o.Score = e.Select(v => v / sum).ToArray();
                o.ClassName = _classNames![Array.IndexOf(logits, max)];
            }, null, input, output);
        string valueColumn = nameof(MulticlassRow.ClassName);
        if (_classValueKind is { } kind)
        {
            pipeline = pipeline.Append(mlContext.Transforms.Conversion.ConvertType("ClassValue", valueColumn, kind));
            keyData = mlContext.Transforms.Conversion.ConvertType("ClassValue", valueColumn, kind)
                .Append(mlContext.Transforms.SelectColumns("ClassValue")).Fit(keyData).Transform(keyData);
            valueColumn = "ClassValue";
        }
        return pipeline
            .Append(mlContext.Transforms.Conversion.MapValueToKey("PredictedLabel", valueColumn, keyData: keyData))
            .Append(mlContext.Transforms.DropColumns(_classValueKind is null ? [nameof(MulticlassRow.ClassName)] : [nameof(MulticlassRow.ClassName), "ClassValue"]))
            .Fit(empty);
    }

    private float[] Forward(float[] features)
    {
        lock (_gate)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            return _network.forward(tensor(features, [1, features.Length])).data<float>().ToArray();
        }
    }

    public sealed class FeaturesRow
    {
        public float[] Features { get; set; } = [];
    }

    public sealed class RegressionRow
    {
        public float Score { get; set; }
    }

    public sealed class BinaryRow
    {
        public float Score { get; set; }
        public float Probability { get; set; }
        public bool PredictedLabel { get; set; }
    }

    public sealed class MulticlassRow
    {
        public float[] Score { get; set; } = [];
        public string ClassName { get; set; } = "";
    }
}
