using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// The global gradient's ℓ2 and ℓ1 norms read straight from the gradients' CPU memory: one vectorized managed pass over each
/// gradient, no native call beyond locating its data and no temporary tensor (LibTorch needs a norm, an |g| copy and a sum per
/// parameter, then a stack and a reduction: about 3 native calls and 4 passes over the gradient per parameter).
/// </summary>
/// <remarks>
/// Sums are taken in blocks of <see cref="BlockLength"/> floats (SIMD, in float) and the block sums added in double; the result
/// agrees with LibTorch's kernels to float rounding (about 1e-7 relatively), not bit for bit. NaN and ±∞ propagate as they do there.
/// </remarks>
internal static class CpuGradientNorms
{
    /// <summary>Floats summed in float before the block's sum joins the double total.</summary>
    internal const int BlockLength = 4096;

    /// <summary>The ℓ2 and ℓ1 norms of all gradients of <paramref name="parameters"/> taken together (parameters without a gradient
    /// count as zero).</summary>
    /// <returns><see langword="false"/> (and zeros) when a gradient is not a contiguous float32 CPU tensor: then use LibTorch.</returns>
    public static bool TryCompute(IReadOnlyList<Parameter> parameters, out double l2, out double l1)
    {
        double squares = 0, magnitudes = 0;
        l2 = l1 = 0;
        foreach (var p in parameters)
        {
            if (p.grad is not { } g)
                continue;
            if (g.device_type != DeviceType.CPU || g.dtype != ScalarType.Float32 || !g.is_contiguous() || g.numel() > int.MaxValue / sizeof(float))
                return false;
            if (g.numel() == 0)
                continue;
            Accumulate(MemoryMarshal.Cast<byte, float>(g.bytes), ref squares, ref magnitudes);
        }

        l2 = Math.Sqrt(squares);
        l1 = magnitudes;
        return true;
    }

    /// <summary>Adds Σv² and Σ|v| of <paramref name="values"/> to the totals, block by block.</summary>
    internal static void Accumulate(ReadOnlySpan<float> values, ref double squares, ref double magnitudes)
    {
        for (int start = 0; start < values.Length; start += BlockLength)
        {
            var block = values.Slice(start, Math.Min(BlockLength, values.Length - start));
            squares += TensorPrimitives.SumOfSquares(block);
            magnitudes += TensorPrimitives.SumOfMagnitudes(block);
        }
    }
}
