namespace MLExtensions;

/// <summary>
/// A minimal forward-only reader of the protobuf wire format over a stream: tags, varints, lengths and skipping. It holds no more
/// than a small buffer, so a large message is walked without being loaded.
/// </summary>
internal sealed class ProtobufStreamReader(Stream stream)
{
    /// <summary>The protobuf wire types this reader understands (groups, 3 and 4, are rejected as malformed).</summary>
    public const int Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5;

    private readonly Stream _stream = stream;
    private readonly byte[] _skipBuffer = new byte[81920];

    /// <summary>Bytes read so far.</summary>
    public long Position { get; private set; }

    /// <summary>Reads the next field's tag, or returns false at <paramref name="end"/>.</summary>
    public bool TryReadTag(long end, out int field, out int wireType)
    {
        field = wireType = 0;
        if (Position >= end) return false;
        ulong tag = ReadVarint();
        if (Position > end) throw Malformed("a field tag runs past the end of its message");
        field = (int)Math.Min(tag >> 3, int.MaxValue);
        wireType = (int)(tag & 7);
        if (field == 0) throw Malformed("a field number is 0");
        return true;
    }

    /// <summary>Reads a varint (at most 10 bytes).</summary>
    public ulong ReadVarint()
    {
        ulong value = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            int b = _stream.ReadByte();
            if (b < 0) throw Malformed("it ends inside a varint");
            Position++;
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw Malformed("a varint is longer than 10 bytes");
    }

    /// <summary>Reads the length of a length-delimited field and returns the position where the field ends.</summary>
    public long ReadLengthDelimitedEnd(long end)
    {
        ulong length = ReadVarint();
        if (length > (ulong)(end - Position)) throw Malformed("a length-delimited field runs past the end of its message");
        return Position + (long)length;
    }

    /// <summary>Reads the UTF-8 string up to <paramref name="fieldEnd"/>, keeping at most <paramref name="maxBytes"/> bytes of it.</summary>
    public string ReadString(long fieldEnd, int maxBytes)
    {
        int keep = (int)Math.Min(fieldEnd - Position, maxBytes);
        var bytes = new byte[keep];
        _stream.ReadExactly(bytes);
        Position += keep;
        SkipTo(fieldEnd);
        return System.Text.Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Skips the value of a field of <paramref name="wireType"/>.</summary>
    public void SkipValue(int wireType, long end)
    {
        switch (wireType)
        {
            case Varint: ReadVarint(); break;
            case Fixed64: SkipTo(Position + 8); break;
            case Fixed32: SkipTo(Position + 4); break;
            case LengthDelimited: SkipTo(ReadLengthDelimitedEnd(end)); break;
            default: throw Malformed($"it uses wire type {wireType}, which ONNX does not");
        }
        if (Position > end) throw Malformed("a field runs past the end of its message");
    }

    /// <summary>Reads and discards bytes up to <paramref name="position"/>.</summary>
    public void SkipTo(long position)
    {
        while (Position < position)
        {
            int n = _stream.Read(_skipBuffer, 0, (int)Math.Min(_skipBuffer.Length, position - Position));
            if (n <= 0) throw Malformed("it ends early (truncated)");
            Position += n;
        }
    }

    /// <summary>An exception for bytes that are not a well-formed protobuf message.</summary>
    public static InvalidDataException Malformed(string what) => new($"the ONNX model is not a well-formed protobuf message: {what}");
}
