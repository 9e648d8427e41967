using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>The norms of LANTON's groups (design notes ALGORITHMS-2.md §1.1): the Muon (spectral) group and the sign (ℓ1→ℓ∞) group.</summary>
internal static class LantonNorms
{
    /// <summary>Muon's scale s = √max(1, rows/cols) of a matrix flattened to (size(0), −1): its LMO is −s·UVᵀ.</summary>
    public static double SpectralScale(Tensor m)
    {
        long rows = m.shape[0], cols = m.numel() / Math.Max(1, rows);
        return Math.Sqrt(Math.Max(1.0, (double)rows / cols));
    }

    /// <summary>The dual norm of the group's norm: s·‖M‖_* (nuclear, exact SVD) for Muon groups, Σ|M_ij| for sign groups.</summary>
    public static double Dual(Tensor m, bool spectral)
    {
        using var scope = NewDisposeScope();
        var x = m.detach().to(ScalarType.Float64);
        return spectral
            ? SpectralScale(m) * linalg.svdvals(x.reshape(x.shape[0], -1)).sum().item<double>()
            : x.abs().sum().item<double>();
    }

    /// <summary>The group's norm of a weight: σ_max/s (Muon groups) or max |W_ij| (sign groups).</summary>
    public static double Primal(Tensor w, bool spectral)
    {
        using var scope = NewDisposeScope();
        var x = w.detach().to(ScalarType.Float64);
        return spectral
            ? linalg.svdvals(x.reshape(x.shape[0], -1))[0].item<double>() / SpectralScale(w)
            : x.abs().max().item<double>();
    }

    /// <summary>The exact LMO over the unit ball: −s·UVᵀ (polar factor from the SVD) for Muon groups, −sign(M) for sign groups.</summary>
    public static Tensor Lmo(Tensor m, bool spectral)
    {
        if (!spectral)
            return m.sign().neg();
        var x = m.reshape(m.shape[0], -1);
        var (u, _, vh) = linalg.svd(x, fullMatrices: false);
        using var sc = new StepScalars();
        return u.matmul(vh).mul(sc[-SpectralScale(m)]).reshape(m.shape);
    }
}
