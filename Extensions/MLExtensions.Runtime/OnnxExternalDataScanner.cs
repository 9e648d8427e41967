namespace MLExtensions;

/// <summary>
/// Walks a serialized ONNX <c>ModelProto</c> and finds tensors whose data is stored outside the model (<c>data_location</c>
/// EXTERNAL or an <c>external_data</c> entry): initializers, sparse initializers, tensor attributes of nodes (e.g.
/// <c>Constant</c>), in the main graph, in every subgraph (<c>If</c>, <c>Loop</c>, <c>Scan</c>), in training-info graphs
/// and in model-local functions. ONNX Runtime would read such data from a path next to the model file.
/// </summary>
/// <remarks>Field numbers are those of onnx/onnx.proto (IR version 10). Fields with another wire type than their declared one are
/// skipped, as protobuf parsers do with them.</remarks>
internal static class OnnxExternalDataScanner
{
    /// <summary>A tensor stored in external data.</summary>
    /// <param name="Name">The tensor's name (empty when it has none).</param>
    /// <param name="Location">The <c>location</c> entry of its external data, or empty.</param>
    public sealed record ExternalTensor(string Name, string Location);

    private const int MaxDepth = 100;      // protobuf's default recursion limit
    private const int MaxNameBytes = 512;  // enough to name a tensor in a message

    private enum Message { Model, Graph, Node, Attribute, Tensor, SparseTensor, TrainingInfo, Function }

    /// <summary>Scans the model message from the reader's position to <paramref name="end"/>.</summary>
    /// <returns>The first tensor with external data, or null when there is none.</returns>
    /// <exception cref="InvalidDataException">The bytes are not a well-formed protobuf message, or nest deeper than 100.</exception>
    public static ExternalTensor? FindExternalTensor(ProtobufStreamReader reader, long end) => Scan(reader, end, Message.Model, 0);

    // The message-typed fields that can lead to a tensor, per message type.
    private static Message? Child(Message message, int field) => (message, field) switch
    {
        (Message.Model, 7) => Message.Graph,                 // graph
        (Message.Model, 20) => Message.TrainingInfo,         // training_info
        (Message.Model, 25) => Message.Function,             // functions
        (Message.Graph, 1) => Message.Node,                  // node
        (Message.Graph, 5) => Message.Tensor,                // initializer
        (Message.Graph, 15) => Message.SparseTensor,         // sparse_initializer
        (Message.Node, 5) => Message.Attribute,              // attribute
        (Message.Attribute, 5 or 10) => Message.Tensor,      // t, tensors
        (Message.Attribute, 6 or 11) => Message.Graph,       // g, graphs
        (Message.Attribute, 22 or 23) => Message.SparseTensor, // sparse_tensor, sparse_tensors
        (Message.SparseTensor, 1 or 2) => Message.Tensor,    // values, indices
        (Message.TrainingInfo, 1 or 2) => Message.Graph,     // initialization, algorithm
        (Message.Function, 7) => Message.Node,               // node
        (Message.Function, 11) => Message.Attribute,         // attribute_proto (default attribute values)
        _ => null,
    };

    private static ExternalTensor? Scan(ProtobufStreamReader reader, long end, Message message, int depth)
    {
        if (depth > MaxDepth) throw ProtobufStreamReader.Malformed($"its messages nest deeper than {MaxDepth}");
        string name = "", location = "";
        bool external = false;
        ExternalTensor? found = null;
        while (reader.TryReadTag(end, out int field, out int wireType))
        {
            if (message == Message.Tensor && field == 8 && wireType == ProtobufStreamReader.LengthDelimited)
                name = reader.ReadString(reader.ReadLengthDelimitedEnd(end), MaxNameBytes);                      // name
            else if (message == Message.Tensor && field == 14 && wireType == ProtobufStreamReader.Varint)
                external |= reader.ReadVarint() != 0;                                                             // data_location: DEFAULT = 0
            else if (message == Message.Tensor && field == 13 && wireType == ProtobufStreamReader.LengthDelimited)
            {
                external = true;                                                                                  // external_data
                string entryLocation = ReadLocationEntry(reader, reader.ReadLengthDelimitedEnd(end));
                if (location.Length == 0) location = entryLocation;
            }
            else if (wireType == ProtobufStreamReader.LengthDelimited && Child(message, field) is { } child)
            {
                var inner = Scan(reader, reader.ReadLengthDelimitedEnd(end), child, depth + 1);
                found ??= inner;
            }
            else
                reader.SkipValue(wireType, end);
        }
        if (message == Message.Tensor && external) found ??= new ExternalTensor(name, location);
        return found;
    }

    /// <summary>Reads a <c>StringStringEntryProto</c> and returns its value when its key is <c>location</c>, else empty.</summary>
    private static string ReadLocationEntry(ProtobufStreamReader reader, long end)
    {
        string key = "", value = "";
        while (reader.TryReadTag(end, out int field, out int wireType))
        {
            if (field is 1 or 2 && wireType == ProtobufStreamReader.LengthDelimited)
            {
                string text = reader.ReadString(reader.ReadLengthDelimitedEnd(end), MaxNameBytes);
                if (field == 1) key = text; else value = text;
            }
            else
                reader.SkipValue(wireType, end);
        }
        return key == "location" ? value : "";
    }
}
