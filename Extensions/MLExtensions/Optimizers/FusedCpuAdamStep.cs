using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// One Adam / AdamW update of one CPU tensor in a single managed pass over its memory: weight decay, both moments, the
/// denominator and the parameter step element by element, instead of LibTorch's nine full-size operations (each a native call,
/// a parallel region and a pass over the tensor). Every operation rounds as LibTorch's does except the square root: ours is
/// IEEE's (correctly rounded), LibTorch's CPU sqrt (MKL's vector math) is off by one unit in the last place for about 0.6 % of
/// elements. So a step agrees with LibTorch's to float rounding, not bit for bit (tested for float32 and float64, with and
/// without weight decay and AMSGrad), and with PyTorch's golden trajectories as before.
/// </summary>
/// <remarks>
/// Used when the parameter, its gradient and the moments are contiguous dense CPU tensors of one floating dtype (float32 or
/// float64) and equal size; otherwise <see cref="TryApply"/> returns <see langword="false"/> and the caller uses LibTorch. It
/// writes the parameter's memory directly, so LibTorch's version counter of the parameter does not move (a graph kept with
/// <c>retain_graph</c> across a step is not flagged as stale); the values are those of the in-place LibTorch step.
/// </remarks>
internal static class FusedCpuAdamStep
{
    /// <summary>
    /// <c>g ← g + l2·p</c> (when <paramref name="l2"/> ≠ 0); <c>p ← decay·p</c> (when <paramref name="decay"/> ≠ 1);
    /// <c>m ← β1·m + (1 − β1)·g</c>; <c>v ← β2·v + (1 − β2)·g²</c>; <c>v̂ ← max(v̂, v)</c> (AMSGrad);
    /// <c>p ← p − lr/(1 − β1ᵗ) · m / (√(v or v̂) / √(1 − β2ᵗ) + eps)</c>. The gradient tensor itself is not changed.
    /// </summary>
    /// <returns><see langword="false"/>, having changed nothing, when the tensors do not qualify (see the remarks).</returns>
    public static bool TryApply(Tensor p, Tensor grad, Tensor m, Tensor v, Tensor? maxV, long t, double lr, double beta1, double beta2,
                                double eps, double l2, double decay)
    {
        var dtype = p.dtype;
        if (dtype is not (ScalarType.Float32 or ScalarType.Float64) || !Qualifies(p, p) || !Qualifies(grad, p) || !Qualifies(m, p) ||
            !Qualifies(v, p) || (maxV is not null && !Qualifies(maxV, p)))
            return false;

        double bc1 = 1 - Math.Pow(beta1, t), bc2Sqrt = Math.Sqrt(1 - Math.Pow(beta2, t));
        var c = new Constants(beta1, 1 - beta1, beta2, 1 - beta2, bc2Sqrt, eps, -lr / bc1, l2, decay);
        if (dtype == ScalarType.Float32)
            Update(Span<float>(p), Span<float>(grad), Span<float>(m), Span<float>(v), maxV is null ? default : Span<float>(maxV), maxV is not null,
                   c.As<float>());
        else
            Update(Span<double>(p), Span<double>(grad), Span<double>(m), Span<double>(v), maxV is null ? default : Span<double>(maxV), maxV is not null,
                   c.As<double>());
        return true;
    }

    private static bool Qualifies(Tensor tensor, Tensor like) =>
        tensor.device_type == DeviceType.CPU && !tensor.is_sparse && tensor.dtype == like.dtype && tensor.is_contiguous() &&
        tensor.numel() == like.numel() && tensor.numel() * tensor.ElementSize <= int.MaxValue;

    private static Span<T> Span<T>(Tensor tensor) where T : unmanaged => MemoryMarshal.Cast<byte, T>(tensor.bytes);

    /// <summary>The step's scalars in double, as the caller passes them to LibTorch (which rounds each to the tensor's dtype).</summary>
    private readonly record struct Constants(double Beta1, double OneMinusBeta1, double Beta2, double OneMinusBeta2, double Bc2Sqrt,
                                             double Eps, double StepSize, double L2, double Decay)
    {
        public Constants<T> As<T>() where T : unmanaged, IFloatingPointIeee754<T> => new(
            T.CreateChecked(Beta1), T.CreateChecked(OneMinusBeta1), T.CreateChecked(Beta2), T.CreateChecked(OneMinusBeta2),
            T.CreateChecked(Bc2Sqrt), T.CreateChecked(Eps), T.CreateChecked(StepSize), T.CreateChecked(L2), T.CreateChecked(Decay),
            L2 != 0, Decay != 1);
    }

    private readonly record struct Constants<T>(T Beta1, T OneMinusBeta1, T Beta2, T OneMinusBeta2, T Bc2Sqrt, T Eps, T StepSize, T L2,
                                                T Decay, bool HasL2, bool HasDecay);

    // Each line rounds as the LibTorch operation it replaces (measured element by element against LibTorch): add(p, alpha) and
    // add_(g, alpha) are fused multiply-adds, mul_ a product, addcmul_(g, g, value) is fma(value·g, g, self), div_ a quotient,
    // add_(eps) a sum and addcdiv_(m, d, value) is self + (value·m)/d. The square root is IEEE's, correctly rounded.
    private static void Update<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> m, Span<T> v, Span<T> maxV, bool ams, Constants<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var pv = MemoryMarshal.Cast<T, Vector<T>>(p);
            var gv = MemoryMarshal.Cast<T, Vector<T>>(g);
            var mv = MemoryMarshal.Cast<T, Vector<T>>(m);
            var vv = MemoryMarshal.Cast<T, Vector<T>>(v);
            var xv = ams ? MemoryMarshal.Cast<T, Vector<T>>(maxV) : default;
            Vector<T> beta1 = new(c.Beta1), a1 = new(c.OneMinusBeta1), beta2 = new(c.Beta2), a2 = new(c.OneMinusBeta2),
                bc2 = new(c.Bc2Sqrt), eps = new(c.Eps), step = new(c.StepSize), l2 = new(c.L2), decay = new(c.Decay);
            for (int k = 0; k < pv.Length; k++)
            {
                var gk = c.HasL2 ? Fma(pv[k], l2, gv[k]) : gv[k];
                if (c.HasDecay) pv[k] *= decay;
                var mk = Fma(gk, a1, mv[k] * beta1);
                var vk = Fma(a2 * gk, gk, vv[k] * beta2);
                mv[k] = mk;
                vv[k] = vk;
                if (ams) vk = xv[k] = Maximum(xv[k], vk);
                pv[k] += step * mk / (Vector.SquareRoot(vk) / bc2 + eps);
            }
            i = pv.Length * Vector<T>.Count;
        }

        for (; i < p.Length; i++)
        {
            var gi = c.HasL2 ? T.FusedMultiplyAdd(p[i], c.L2, g[i]) : g[i];
            if (c.HasDecay) p[i] *= c.Decay;
            var mi = T.FusedMultiplyAdd(gi, c.OneMinusBeta1, m[i] * c.Beta1);
            var vi = T.FusedMultiplyAdd(c.OneMinusBeta2 * gi, gi, v[i] * c.Beta2);
            m[i] = mi;
            v[i] = vi;
            if (ams) vi = maxV[i] = T.Max(maxV[i], vi);   // NaN when either is NaN, as torch.maximum
            p[i] += c.StepSize * mi / (T.Sqrt(vi) / c.Bc2Sqrt + c.Eps);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Fma<T>(Vector<T> a, Vector<T> b, Vector<T> addend) where T : unmanaged
    {
        if (typeof(T) == typeof(float))
            return Vector.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), addend.As<T, float>()).As<float, T>();
        return Vector.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), addend.As<T, double>()).As<double, T>();
    }

    /// <summary>torch.maximum: the larger of each pair, NaN when either is NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Maximum<T>(Vector<T> a, Vector<T> b) where T : unmanaged
    {
        var nan = ~(Vector.Equals(a, a) & Vector.Equals(b, b));
        return Vector.ConditionalSelect(nan, a + b, Vector.Max(a, b));
    }
}
