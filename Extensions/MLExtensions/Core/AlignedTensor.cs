using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// Copies managed feature blocks into LibTorch's own memory before a network reads them. <c>frombuffer</c> wraps the managed array
/// where it lies (<c>torch.tensor(array)</c> copies), and MKL's matrix products round differently depending on the address of
/// their operands on some CPUs (measured on AMD EPYC: the same model scored the same rows with differences in the last bits from
/// one call to the next; <c>MKL_CBWR=AVX2</c> removed them). LibTorch's allocator aligns every tensor to 64 bytes, so results
/// then depend only on the values.
/// </summary>
internal static class AlignedTensor
{
    /// <summary>A LibTorch-owned float32 copy of the first <paramref name="rows"/> rows of the row-major block <paramref name="values"/>.</summary>
    public static Tensor CopyRows(float[] values, int rows, int columns)
    {
        using var wrapped = frombuffer(values, ScalarType.Float32, (long)rows * columns);
        using var view = wrapped.view(rows, columns);
        return view.clone();
    }
}
