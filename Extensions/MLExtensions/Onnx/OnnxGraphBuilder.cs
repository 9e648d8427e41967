using Google.Protobuf;
using Onnx;

namespace MLExtensions;

/// <summary>
/// The one helper that assembles ONNX graphs (default domain) from OnnxSharp's protobuf classes: the MLP exporter of MLExtensions and
/// the stacking meta-model of MLExtensions.Stacking (which compiles this file in, as it does not reference MLExtensions).
/// </summary>
internal sealed class OnnxGraphBuilder
{
    /// <summary>The ONNX operator set the exporters target.</summary>
    public const long OpsetVersion = 17;

    /// <summary>The IR version that goes with <see cref="OpsetVersion"/> (ONNX 1.12).</summary>
    public const long IrVersion = 8;

    private readonly GraphProto _graph;
    private readonly Dictionary<float, string> _scalars = [];
    private int _nodeCount;

    public OnnxGraphBuilder(string graphName) => _graph = new GraphProto { Name = graphName };

    /// <summary>Declares a graph input of the given element type; a <c>null</c> dimension is dynamic and named <paramref name="dynamicDimName"/>.</summary>
    public void AddInput(string name, TensorProto.Types.DataType type, long?[] shape, string dynamicDimName = "N") =>
        _graph.Input.Add(ValueInfo(name, type, shape, dynamicDimName));

    /// <summary>Declares a graph output.</summary>
    public void AddOutput(string name, TensorProto.Types.DataType type, long?[] shape, string dynamicDimName = "N") =>
        _graph.Output.Add(ValueInfo(name, type, shape, dynamicDimName));

    /// <summary>Adds a float constant (initializer) and returns its name.</summary>
    public string AddFloats(string name, long[] dims, float[] values)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.AddRange(dims);
        t.FloatData.AddRange(values);
        _graph.Initializer.Add(t);
        return name;
    }

    /// <summary>A rank-0 float constant, added once per value.</summary>
    public string Scalar(float value)
    {
        if (!_scalars.TryGetValue(value, out string? name))
        {
            name = AddFloats($"scalar_{_scalars.Count}", [], [value]);
            _scalars[value] = name;
        }
        return name;
    }

    /// <summary>Adds a double constant (initializer) and returns its name.</summary>
    public string AddDoubles(string name, long[] dims, double[] values)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Double };
        t.Dims.AddRange(dims);
        t.DoubleData.AddRange(values);
        _graph.Initializer.Add(t);
        return name;
    }

    /// <summary>Adds an int64 constant (initializer) and returns its name.</summary>
    public string AddInt64s(string name, long[] dims, long[] values)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.AddRange(dims);
        t.Int64Data.AddRange(values);
        _graph.Initializer.Add(t);
        return name;
    }

    /// <summary>Adds a 1-D UTF-8 string constant (initializer) and returns its name.</summary>
    public string AddStrings(string name, IReadOnlyList<string> values)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.String };
        t.Dims.Add(values.Count);
        foreach (string v in values) t.StringData.Add(ByteString.CopyFromUtf8(v));
        _graph.Initializer.Add(t);
        return name;
    }

    /// <summary>Adds a node with one output and returns the output's name (<paramref name="output"/> or a generated one).</summary>
    public string Node(string opType, string[] inputs, string? output = null, params AttributeProto[] attributes)
    {
        string name = $"{opType}_{_nodeCount++}";
        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.AddRange(inputs);
        string result = output ?? name + "_out";
        node.Output.Add(result);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return result;
    }

    /// <summary>Adds a node with <paramref name="outputCount"/> outputs (generated names) and returns their names.</summary>
    public string[] Node(string opType, string[] inputs, int outputCount, params AttributeProto[] attributes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(outputCount, 1);
        string name = $"{opType}_{_nodeCount++}";
        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.AddRange(inputs);
        var outputs = Enumerable.Range(0, outputCount).Select(o => $"{name}_out{(o == 0 ? "" : o)}").ToArray();
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return outputs;
    }

    /// <summary>An integer attribute.</summary>
    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>A float attribute.</summary>
    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>An attribute holding a list of integers.</summary>
    public static AttributeProto Ints(string name, params long[] values) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Ints, Ints = { values } };

    /// <summary>Wraps the graph in a model that imports <see cref="OpsetVersion"/> of the default domain.</summary>
    public ModelProto ToModel(string docString)
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = typeof(OnnxGraphBuilder).Assembly.GetName().Name ?? "MLExtensions",
            ProducerVersion = typeof(OnnxGraphBuilder).Assembly.GetName().Version?.ToString() ?? "0",
            DocString = docString,
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OpsetVersion });
        return model;
    }

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, long?[] shape, string dynamicDimName)
    {
        var tensorShape = new TensorShapeProto();
        foreach (long? d in shape)
        {
            tensorShape.Dim.Add(d is { } value
                ? new TensorShapeProto.Types.Dimension { DimValue = value }
                : new TensorShapeProto.Types.Dimension { DimParam = dynamicDimName });
        }
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = tensorShape } },
        };
    }
}
