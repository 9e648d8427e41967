using System.Globalization;
using Google.Protobuf;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace MLExtensions;

/// <summary>
/// Checks an <see cref="OnnxScoringModel"/> and rewrites its ONNX graph for ML.NET: the input takes the feature column's name and the
/// outputs the conversion reads take the intermediate column names of <see cref="OnnxColumnNames"/>.
/// </summary>
internal static class OnnxScoringModelPreparer
{
    /// <summary>The ONNX outputs read for a task, their element types and intermediate column names.</summary>
    public static IReadOnlyList<(string OnnxName, DataType Type, string ColumnName)> Outputs(PredictionTask task) => task switch
    {
        PredictionTask.Regression => [(OnnxOutputNames.Score, DataType.Float, OnnxColumnNames.Score)],
        PredictionTask.BinaryClassification =>
        [
            (OnnxOutputNames.Score, DataType.Float, OnnxColumnNames.Score),
            (OnnxOutputNames.Probability, DataType.Float, OnnxColumnNames.Probability),
            (OnnxOutputNames.PredictedLabel, DataType.Bool, OnnxColumnNames.PredictedLabel),
        ],
        PredictionTask.MulticlassClassification =>
        [
            (OnnxOutputNames.Score, DataType.Float, OnnxColumnNames.Score),
            (OnnxOutputNames.PredictedLabel, DataType.String, OnnxColumnNames.PredictedLabel),
        ],
        _ => throw new ArgumentOutOfRangeException(nameof(task), task, $"Allowed: {string.Join(", ", Enum.GetNames<PredictionTask>())}."),
    };

    /// <summary>Validates the description and returns the rewritten ONNX bytes.</summary>
    /// <param name="model">The description.</param>
    /// <param name="source">How messages name the model's owner, e.g. the transformer's type and position in the pipeline.</param>
    /// <exception cref="InvalidDataException">The ONNX bytes are not a model of the documented format.</exception>
    /// <exception cref="ArgumentException">The description is inconsistent (sizes, class names).</exception>
    public static byte[] Prepare(OnnxScoringModel model, string source)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.OnnxModel is null || model.OnnxModel.Length == 0)
            throw new InvalidDataException($"The ONNX model of {source} is empty; expected a serialized ONNX ModelProto.");
        ArgumentException.ThrowIfNullOrWhiteSpace(model.FeatureColumnName, nameof(model));
        if (model.FeatureSize < 1) throw new ArgumentException($"FeatureSize of {source} must be at least 1; got {model.FeatureSize}.", nameof(model));
        var outputs = Outputs(model.Task);
        if (model.Task == PredictionTask.MulticlassClassification)
        {
            if (model.ClassNames is null || model.ClassNames.Count < 2)
                throw new ArgumentException($"Multiclass model of {source} needs at least 2 class names; got {model.ClassNames?.Count ?? 0}.", nameof(model));
            if (model.ClassNames.Any(n => n is null) || model.ClassNames.Distinct(StringComparer.Ordinal).Count() != model.ClassNames.Count)
                throw new ArgumentException($"Class names of {source} must be unique and not null.", nameof(model));
        }
        else if (model.ClassNames is not null)
        {
            throw new ArgumentException($"Class names of {source} only apply to multiclass classification, not {model.Task}.", nameof(model));
        }

        ModelProto proto;
        try
        {
            proto = ModelProto.Parser.ParseFrom(model.OnnxModel);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new InvalidDataException(
                $"The ONNX model of {source} ({model.OnnxModel.Length} bytes) is corrupt or truncated; expected a serialized ONNX ModelProto. {ex.Message}", ex);
        }
        var graph = proto.Graph ?? throw new InvalidDataException($"The ONNX model of {source} has no graph.");

        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
        if (inputs.Count != 1)
            throw new InvalidDataException($"The ONNX model of {source} has {inputs.Count} inputs; expected exactly one, float [N, {model.FeatureSize}].");
        CheckTensor(inputs[0], DataType.Float, rank: 2, lastDim: model.FeatureSize, source, "input");

        var renames = new Dictionary<string, string>(StringComparer.Ordinal) { [inputs[0].Name] = model.FeatureColumnName };
        foreach (var (onnxName, type, column) in outputs)
        {
            var output = graph.Output.FirstOrDefault(o => o.Name == onnxName)
                ?? throw new InvalidDataException(
                    $"The ONNX model of {source} has no output '{onnxName}'; a {model.Task} model needs {string.Join(", ", outputs.Select(o => $"'{o.OnnxName}'"))}.");
            bool multiclassScore = model.Task == PredictionTask.MulticlassClassification && onnxName == OnnxOutputNames.Score;
            CheckTensor(output, type, rank: multiclassScore ? 2 : 1, lastDim: multiclassScore ? model.ClassNames!.Count : null, source, "output");
            renames[onnxName] = column;
        }
        var existing = graph.Node.SelectMany(n => n.Output).Concat(initializers).Concat(graph.Input.Select(i => i.Name)).ToHashSet(StringComparer.Ordinal);
        foreach (var (from, to) in renames)
        {
            if (from != to && existing.Contains(to))
                throw new InvalidDataException($"The ONNX model of {source} already has a value named '{to}', the name its '{from}' must take in ML.NET.");
        }
        Rename(graph, renames);
        if (model.Task == PredictionTask.MulticlassClassification) FlattenScore(graph, model.ClassNames!.Count);
        return proto.ToByteArray();
    }

    private static void CheckTensor(ValueInfoProto value, DataType type, int rank, int? lastDim, string source, string kind)
    {
        var tensor = value.Type?.TensorType;
        if (tensor is null || tensor.ElemType != (int)type)
            throw new InvalidDataException(
                $"ONNX {kind} '{value.Name}' of {source} must be a tensor of {type}; got {(tensor is null ? "no tensor type" : ((DataType)tensor.ElemType).ToString())}.");
        var dims = tensor.Shape?.Dim;
        if (dims is null || dims.Count != rank)
            throw new InvalidDataException($"ONNX {kind} '{value.Name}' of {source} must have rank {rank} ([N{(rank == 2 ? ", " + (lastDim?.ToString(CultureInfo.InvariantCulture) ?? "K") : "")}]); got rank {dims?.Count.ToString(CultureInfo.InvariantCulture) ?? "unknown"}.");
        if (lastDim is { } expected && dims[^1].HasDimValue && dims[^1].DimValue != expected)
            throw new InvalidDataException($"ONNX {kind} '{value.Name}' of {source} must have last dimension {expected}; got {dims[^1].DimValue}.");
    }

    /// <summary>
    /// ML.NET types an ONNX output [N, K] as Vector&lt;Single, 1, K&gt; (it scores one row at a time), but its multiclass <c>Score</c> is
    /// Vector&lt;Single, K&gt;, and its shape override cannot change a rank. So the score matrix is reshaped to one dimension and declared [K]:
    /// exact for ML.NET, which always feeds one row.
    /// </summary>
    private static void FlattenScore(GraphProto graph, int classes)
    {
        const string matrix = OnnxColumnNames.Score + ".Matrix";
        const string flat = OnnxColumnNames.Score + ".FlatShape";
        foreach (var node in graph.Node)
        {
            for (int i = 0; i < node.Input.Count; i++) if (node.Input[i] == OnnxColumnNames.Score) node.Input[i] = matrix;
            for (int i = 0; i < node.Output.Count; i++) if (node.Output[i] == OnnxColumnNames.Score) node.Output[i] = matrix;
        }
        var shape = new TensorProto { Name = flat, DataType = (int)DataType.Int64 };
        shape.Dims.Add(1);
        shape.Int64Data.Add(-1);
        graph.Initializer.Add(shape);
        var reshape = new NodeProto { OpType = "Reshape", Name = OnnxColumnNames.Score + ".Reshape" };
        reshape.Input.Add(matrix);
        reshape.Input.Add(flat);
        reshape.Output.Add(OnnxColumnNames.Score);
        graph.Node.Add(reshape);
        var dims = graph.Output.Single(o => o.Name == OnnxColumnNames.Score).Type.TensorType.Shape.Dim;
        dims.Clear();
        dims.Add(new TensorShapeProto.Types.Dimension { DimValue = classes });
    }

    private static void Rename(GraphProto graph, IReadOnlyDictionary<string, string> renames)
    {
        string Map(string name) => renames.TryGetValue(name, out string? to) ? to : name;
        foreach (var input in graph.Input) input.Name = Map(input.Name);
        foreach (var output in graph.Output) output.Name = Map(output.Name);
        foreach (var info in graph.ValueInfo) info.Name = Map(info.Name);
        foreach (var node in graph.Node)
        {
            for (int i = 0; i < node.Input.Count; i++) node.Input[i] = Map(node.Input[i]);
            for (int i = 0; i < node.Output.Count; i++) node.Output[i] = Map(node.Output[i]);
        }
    }
}
