using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// The projection of AdamP and SGDP (Heo et al. 2021, arXiv 2006.08217; clovaai/AdamP): when the gradient is nearly orthogonal
/// to a scale-invariant weight (channel view first, then layer view), remove the radial component of the update.
/// </summary>
/// <remarks>
/// An optimizer step first calls <see cref="Measure"/> for every parameter of a group, then <see cref="Decide"/> once (the
/// group's only device-to-host read: the reference branches on the cosines, and a branch-free projection would cost about five
/// more full passes over every matrix on every step), then <see cref="Project"/> per parameter.
/// </remarks>
internal static class ScaleInvariantProjection
{
    /// <summary>What <see cref="Measure"/> found for one parameter: the row norms of the weight and the two cosines.</summary>
    public sealed record Measurement(Tensor WeightRowNorms, Tensor Cosines, long Rows, long RowLength);

    /// <summary>The channel-view and layer-view cosines of <paramref name="grad"/> and <paramref name="p"/> (as
    /// <c>torch.nn.functional.cosine_similarity</c>), or <see langword="null"/> for parameters with ndim ≤ 1.</summary>
    public static Measurement? Measure(Tensor p, Tensor grad, double eps, StepScalars sc)
    {
        if (p.dim() <= 1)
            return null;
        long rows = p.shape[0];
        var pRows = p.reshape(rows, -1);
        var gRows = grad.reshape(rows, -1);
        // Row sums serve both views: the layer view's dot product and squared norms are their totals.
        var dot = linalg.vecdot(gRows, pRows, dim: 1);
        // Tensor.norm(dim), not linalg.vector_norm: TorchSharp's vector_norm makes a temporary Scalar of its order (see StepScalars).
        var gNorm = gRows.norm(1);
        var pNorm = pRows.norm(1);
        // cosine_similarity: x·y / (max(‖x‖, eps)·max(‖y‖, eps)).
        var channelCos = dot.div(gNorm.clamp_min(sc[eps]).mul_(pNorm.clamp_min(sc[eps]))).abs_().max();
        var layerCos = dot.sum().div(gNorm.pow(sc[2]).sum().sqrt().clamp_min(sc[eps]).mul_(pNorm.pow(sc[2]).sum().sqrt().clamp_min(sc[eps]))).abs_();
        return new Measurement(pNorm, torch.stack([channelCos, layerCos]).to(ScalarType.Float64), rows, pRows.shape[1]);
    }

    /// <summary>Reads every measurement's cosines in one transfer and decides, per measurement: 1 = project per channel,
    /// 2 = project the layer, 0 = leave alone (also for <see langword="null"/> measurements).</summary>
    public static int[] Decide(IReadOnlyList<Measurement?> measurements, double delta)
    {
        var decisions = new int[measurements.Count];
        var present = measurements.Where(m => m is not null).Select(m => m!.Cosines).ToList();
        if (present.Count == 0)
            return decisions;
        var cosines = torch.stack(present).cpu().data<double>().ToArray();
        for (int i = 0, k = 0; i < measurements.Count; i++)
        {
            if (measurements[i] is not { } m)
                continue;
            double channel = cosines[2 * k], layer = cosines[2 * k + 1];
            k++;
            decisions[i] = channel < delta / Math.Sqrt(m.RowLength) ? 1
                : layer < delta / Math.Sqrt(m.RowLength * m.Rows) ? 2
                : 0;
        }
        return decisions;
    }

    /// <summary>
    /// Projects <paramref name="update"/> in place as <paramref name="decision"/> says and returns the weight-decay ratio to use
    /// (<paramref name="wdRatio"/> when projected, else 1).
    /// </summary>
    public static double Project(Tensor p, Measurement? measurement, int decision, Tensor update, double wdRatio, double eps, StepScalars sc)
    {
        if (decision == 0 || measurement is null)
            return 1;
        bool channel = decision == 1;
        long rows = measurement.Rows;
        long[] expand = [channel ? -1 : 1, .. Enumerable.Repeat(1L, (int)p.dim() - 1)];
        var pNorm = measurement.WeightRowNorms;
        var norm = channel ? pNorm : pNorm.pow(sc[2]).sum().sqrt();
        var pn = p / norm.add_(sc[eps], sc.One).reshape(expand);
        var radial = channel ? (pn * update).reshape(rows, -1).sum(1) : (pn * update).sum();
        update.sub_(pn.mul_(radial.reshape(expand)));
        return wdRatio;
    }
}
