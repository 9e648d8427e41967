using Google.Protobuf;
using Onnx;

namespace MLExtensions;

/// <summary>
/// Writes the meta part of a <see cref="StackingModel"/> (input selection, meta-features, linear meta-models, blend) as one ONNX
/// graph (opset 17, computed in double precision like the managed model): input <see cref="StackingColumnNames.BasePredictions"/>
/// float [N, K], output <see cref="OutputName"/> float [N] (the prediction for regression, the blended probability for binary
/// classification). The median uses TopK over all selected inputs and gathers the middle element(s). A row with a NaN or ±∞ input
/// gives NaN.
/// </summary>
public static class StackingOnnxGraph
{
    /// <summary>Name of the graph output.</summary>
    public const string OutputName = "StackingOnnxOutput";

    private const int Float = 1;
    private const int Int64 = 7;
    private const int Double = 11;

    /// <summary>Serializes the model's meta part as an ONNX model.</summary>
    /// <param name="model">The fitted stacking model.</param>
    /// <returns>The ONNX model bytes.</returns>
    public static byte[] ToBytes(StackingModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = new GraphProto { Name = "mlextensions_stacking" };
        var builder = new Builder(graph);
        int k = model.InputNames.Count, selectedCount = model.SelectedInputs.Count;
        graph.Input.Add(TensorInfo(StackingColumnNames.BasePredictions, Float, "N", k));
        graph.Output.Add(TensorInfo(OutputName, Float, "N"));

        string input = builder.Node("Cast", [StackingColumnNames.BasePredictions], new() { ["to"] = Double });
        string selected = builder.Node("Gather", [input, builder.Int64s(model.SelectedInputs.Select(i => (long)i).ToArray(), [selectedCount])], new() { ["axis"] = 1 });
        string features = selected;
        if (model.UsesMetaFeatures)
        {
            var axes = new long[] { 1 };
            string mean = builder.Node("ReduceMean", [selected], new() { ["axes"] = axes, ["keepdims"] = 1 });
            string centered = builder.Node("Sub", [selected, mean]);
            string variance = builder.Node("ReduceMean", [builder.Node("Mul", [centered, centered])], new() { ["axes"] = axes, ["keepdims"] = 1 });
            string std = builder.Node("Sqrt", [variance]);
            string max = builder.Node("ReduceMax", [selected], new() { ["axes"] = axes, ["keepdims"] = 1 });
            string min = builder.Node("ReduceMin", [selected], new() { ["axes"] = axes, ["keepdims"] = 1 });
            string range = builder.Node("Sub", [max, min]);
            string sorted = builder.Node("TopK", [selected, builder.Int64s([selectedCount], [1])], new() { ["axis"] = 1, ["largest"] = 1, ["sorted"] = 1 }, outputs: 2);
            long[] middle = selectedCount % 2 == 1 ? [selectedCount / 2] : [selectedCount / 2 - 1, selectedCount / 2];
            string median = builder.Node("ReduceMean", [builder.Node("Gather", [sorted, builder.Int64s(middle, [middle.Length])], new() { ["axis"] = 1 })],
                new() { ["axes"] = axes, ["keepdims"] = 1 });
            features = builder.Node("Concat", [selected, mean, std, median, range, builder.Node("Mul", [mean, std]), builder.Node("Mul", [range, std])], new() { ["axis"] = 1 });
        }

        int p = model.FeatureCount;
        string result;
        if (model.Link == StackingLink.Identity)
        {
            var combined = model.CombinedLinearModel!;
            result = Linear(builder, features, combined.Coefficients, combined.Intercept, p);
        }
        else
        {
            result = string.Empty;
            foreach (var component in model.Components)
            {
                string probability = builder.Node("Sigmoid", [Linear(builder, features, component.Model.Coefficients, component.Model.Intercept, p)]);
                string weighted = builder.Node("Mul", [probability, builder.Doubles([component.BlendWeight], [])]);
                result = result.Length == 0 ? weighted : builder.Node("Add", [result, weighted]);
            }
        }

        // A row with a NaN or ±∞ base prediction (in any input column) is scored as missing, as in process: the sum of the inputs
        // times 0 is 0 for a finite row and NaN otherwise, and adding it makes the row's output NaN.
        string poison = builder.Node("ReduceSum", [builder.Node("Mul", [input, builder.Doubles([0], [])]), builder.Int64s([1], [1])], new() { ["keepdims"] = 1 });
        result = builder.Node("Add", [result, poison]);
        string flat = builder.Node("Reshape", [result, builder.Int64s([-1], [1])]);
        graph.Node.Add(new NodeProto { OpType = "Cast", Name = "output_cast", Input = { flat }, Output = { OutputName }, Attribute = { Attribute("to", Float) } });

        var modelProto = new ModelProto { IrVersion = 8, ProducerName = "MLExtensions.Stacking", Graph = graph };
        modelProto.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = 17 });
        return modelProto.ToByteArray();
    }

    private static string Linear(Builder builder, string features, IReadOnlyList<double> coefficients, double intercept, int p)
    {
        string product = builder.Node("MatMul", [features, builder.Doubles(coefficients.ToArray(), [p, 1])]);
        return builder.Node("Add", [product, builder.Doubles([intercept], [1])]);
    }

    private static ValueInfoProto TensorInfo(string name, int elementType, string batch, params int[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = batch });
        foreach (var d in dims)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        }

        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elementType, Shape = shape } } };
    }

    private static AttributeProto Attribute(string name, object value) => value switch
    {
        int i => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = i },
        long[] ints => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints, Ints = { ints } },
        _ => throw new ArgumentException($"Unsupported attribute value {value}.", nameof(value)),
    };

    private sealed class Builder(GraphProto graph)
    {
        private int _next;

        public string Node(string op, string[] inputs, Dictionary<string, object>? attributes = null, int outputs = 1)
        {
            string name = $"{op.ToLowerInvariant()}_{_next++}";
            var node = new NodeProto { OpType = op, Name = name, Input = { inputs } };
            for (int o = 0; o < outputs; o++)
            {
                node.Output.Add(o == 0 ? name : $"{name}_out{o}");
            }

            foreach (var (key, value) in attributes ?? [])
            {
                node.Attribute.Add(Attribute(key, value));
            }

            graph.Node.Add(node);
            return name;
        }

        public string Int64s(long[] values, long[] dims)
        {
            string name = $"const_{_next++}";
            var tensor = new TensorProto { Name = name, DataType = Int64 };
            tensor.Dims.Add(dims);
            tensor.Int64Data.Add(values);
            graph.Initializer.Add(tensor);
            return name;
        }

        public string Doubles(double[] values, long[] dims)
        {
            string name = $"const_{_next++}";
            var tensor = new TensorProto { Name = name, DataType = Double };
            tensor.Dims.Add(dims);
            tensor.DoubleData.Add(values);
            graph.Initializer.Add(tensor);
            return name;
        }
    }
}
