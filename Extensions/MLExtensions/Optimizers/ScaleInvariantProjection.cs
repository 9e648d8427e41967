using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions.Optimizers;

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
        foreach (bool channel in new[] { true, false })
        {
            long rows = channel ? p.shape[0] : 1;
            long[] expand = [channel ? -1 : 1, .. Enumerable.Repeat(1L, (int)p.dim() - 1)];
            var pView = p.reshape(rows, -1);
            var gView = grad.reshape(rows, -1);
            var cosine = nn.functional.cosine_similarity(gView, pView, dim: 1, eps: eps).abs_();
            if (cosine.max().ToDouble() < delta / Math.Sqrt(pView.shape[1]))
            {
                var pn = p / pView.norm(1).reshape(expand).add_(eps);
                var radial = (pn * update).reshape(rows, -1).sum(1);
                update.sub_(pn * radial.reshape(expand));
                return wdRatio;
            }
        }
        return 1;
    }
}
