using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>The moment updates and parameter step shared by <see cref="Adam"/> and <see cref="AdamW"/> (PyTorch's single-tensor Adam).</summary>
internal static class AdamUpdate
{
    /// <summary>
    /// <c>g' = g + l2·p</c> (Adam's L2 penalty, when <paramref name="l2"/> ≠ 0); <c>p = decay·p</c> (AdamW's decoupled decay, when
    /// <paramref name="decay"/> ≠ 1); <c>m = β1·m + (1 - β1)·g'; v = β2·v + (1 - β2)·g'²; v̂ = max(v̂, v)</c> (AMSGrad);
    /// <c>p -= lr / (1 - β1ᵗ) · m / (sqrt(v or v̂) / sqrt(1 - β2ᵗ) + eps)</c>. On CPU tensors in one managed pass
    /// (<see cref="FusedCpuAdamStep"/>, the same to float rounding) unless <paramref name="fused"/> is <see langword="false"/>; otherwise
    /// by LibTorch, the denominator in <paramref name="buffers"/>' shared scratch (slot 0) instead of a fresh tensor.
    /// </summary>
    public static void Apply(Tensor p, Tensor grad, Tensor m, Tensor v, Tensor? maxV, long t, double lr, double beta1, double beta2,
                             double eps, double l2, double decay, StepScalars sc, StepBuffers buffers, bool fused)
    {
        if (fused && FusedCpuAdamStep.TryApply(p, grad, m, v, maxV, t, lr, beta1, beta2, eps, l2, decay))
            return;
        if (l2 != 0)
            grad = grad.add(p, alpha: sc[l2]);
        if (decay != 1)
            p.mul_(sc[decay]);
        m.mul_(sc[beta1]).add_(grad, alpha: sc[1 - beta1]);
        v.mul_(sc[beta2]).addcmul_(grad, grad, value: sc[1 - beta2]);
        double bc1 = 1 - Math.Pow(beta1, t), bc2Sqrt = Math.Sqrt(1 - Math.Pow(beta2, t));
        Tensor second = v;
        if (maxV is not null)
        {
            maxV.copy_(torch.maximum(maxV, v));
            second = maxV;
        }
        var denom = buffers.Shared(p, 0).Shaped.copy_(second).sqrt_().div_(sc[bc2Sqrt]).add_(sc[eps], sc.One);
        p.addcdiv_(m, denom, value: sc[-lr / bc1]);
    }
}
