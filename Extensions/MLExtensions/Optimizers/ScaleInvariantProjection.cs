using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// The projection of AdamP and SGDP (Heo et al. 2021, arXiv 2006.08217; clovaai/AdamP): when the gradient is nearly orthogonal
/// to a scale-invariant weight (channel view first, then layer view), remove the radial component of the update.
/// </summary>
internal static class ScaleInvariantProjection
{
    /// <summary>
    /// Projects <paramref name="update"/> in place when a view of <paramref name="p"/> looks scale-invariant and returns the
    /// weight-decay ratio to use (<paramref name="wdRatio"/> when projected, else 1). Parameters with ndim ≤ 1 are left alone.
    /// </summary>
    public static double Apply(Tensor p, Tensor grad, Tensor update, double delta, double wdRatio, double eps)
    {
        if (p.dim() <= 1)
            return 1;
        long rows = p.shape[0];
        var pRows = p.reshape(rows, -1);
        var gRows = grad.reshape(rows, -1);
        long rowLength = pRows.shape[1];
        using var sc = new StepScalars();
        // Row sums serve both views: the layer view's dot product and squared norms are their totals.
        var dot = linalg.vecdot(gRows, pRows, dim: 1);
        // Tensor.norm(dim), not linalg.vector_norm: TorchSharp's vector_norm makes a temporary Scalar of its order (see StepScalars).
        var gNorm = gRows.norm(1);
        var pNorm = pRows.norm(1);
        // torch.nn.functional.cosine_similarity: x·y / (max(‖x‖, eps)·max(‖y‖, eps)).
        var channelCos = dot.div(gNorm.clamp_min(sc[eps]).mul_(pNorm.clamp_min(sc[eps]))).abs_().max();
        var layerCos = dot.sum().div(gNorm.pow(sc[2]).sum().sqrt().clamp_min(sc[eps]).mul_(pNorm.pow(sc[2]).sum().sqrt().clamp_min(sc[eps]))).abs_();
        var both = torch.stack([channelCos, layerCos]).to(ScalarType.Float64).cpu().data<double>().ToArray();
        bool channel = both[0] < delta / Math.Sqrt(rowLength);
        if (!channel && !(both[1] < delta / Math.Sqrt(rowLength * rows)))
            return 1;
        long[] expand = [channel ? -1 : 1, .. Enumerable.Repeat(1L, (int)p.dim() - 1)];
        var norm = channel ? pNorm : pNorm.pow(sc[2]).sum().sqrt();
        var pn = p / norm.add_(sc[eps], sc.One).reshape(expand);
        var radial = channel ? (pn * update).reshape(rows, -1).sum(1) : (pn * update).sum();
        update.sub_(pn.mul_(radial.reshape(expand)));
        return wdRatio;
    }
}
