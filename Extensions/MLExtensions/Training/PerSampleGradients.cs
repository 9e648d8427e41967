using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// Per-sample gradient statistics of one batch, formed analytically from the layers' captured inputs and output gradients
/// (no loop over samples). With u_i = n · ∂L/∂y_i (sample i's output gradient, scaled so that the per-sample gradients average to
/// the batch gradient): a linear layer's per-sample weight gradient is the outer product u_i x_iᵀ, so ‖g_i‖² = ‖u_i‖²‖x_i‖² and
/// ⟨g_i, Ḡ⟩ = u_iᵀ Ḡ x_i; its bias gradient is u_i. A layer norm's are u_i ⊙ x̂_i (scale) and u_i (shift).
/// </summary>
internal static class PerSampleGradients
{
    /// <summary>The statistics of the batch of <paramref name="rows"/> rows whose backward pass just ran.</summary>
    /// <param name="captures">Every parameterized layer of the network, from <see cref="MlpNetwork.ForwardCapturing"/>.</param>
    /// <param name="parameters">All trained parameters; each must belong to a captured layer.</param>
    /// <param name="rows">The batch's rows, n.</param>
    /// <exception cref="NotSupportedException">A parameter outside the captured layers (its per-sample gradients are unknown).</exception>
    public static GradientNoiseStatistics Statistics(IReadOnlyList<LayerCapture> captures, IReadOnlyList<Parameter> parameters, int rows)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var sc = new StepScalars();
        var covered = new HashSet<IntPtr>();
        Tensor? squaredNorms = null, innerProducts = null, meanSquared = null;
        void Add(Tensor perSampleSquares, Tensor perSampleInner, Tensor meanGradient)
        {
            squaredNorms = squaredNorms is null ? perSampleSquares : squaredNorms.add_(perSampleSquares, alpha: sc.One);
            innerProducts = innerProducts is null ? perSampleInner : innerProducts.add_(perSampleInner, alpha: sc.One);
            var m = meanGradient.pow(sc[2]).sum();
            meanSquared = meanSquared is null ? m : meanSquared.add_(m, alpha: sc.One);
        }

        foreach (var capture in captures)
        {
            if (capture.Output.grad is not { } outputGrad)
                throw new InvalidOperationException("A captured layer output has no gradient: run the backward pass first.");
            var u = outputGrad.detach().to(ScalarType.Float64).mul(sc[rows]);
            var uSquares = u.pow(sc[2]).sum(1);
            switch (capture.Layer)
            {
                case Linear linear:
                {
                    var x = capture.Input.detach().to(ScalarType.Float64);
                    var gw = Grad(linear.weight!, covered);
                    Add(uSquares * x.pow(sc[2]).sum(1), u.mm(gw).mul_(x).sum(1), gw);
                    if (linear.bias is { } bias)
                    {
                        var gb = Grad(bias, covered);
                        Add(uSquares, u.mv(gb), gb);
                    }

                    break;
                }
                case LayerNorm norm:
                {
                    var z = capture.Input.detach().to(ScalarType.Float64);
                    var centred = z - z.mean([1L], keepdim: true);
                    var variance = centred.pow(sc[2]).mean([1L], keepdim: true);
                    var normalized = centred / variance.add(sc[MlpArchitecture.NormalizationEpsilon], alpha: sc.One).sqrt();
                    var scaled = u * normalized;
                    if (norm.weight is { } weight)
                    {
                        var gw = Grad(weight, covered);
                        Add(scaled.pow(sc[2]).sum(1), scaled.mv(gw), gw);
                    }

                    if (norm.bias is { } bias)
                    {
                        var gb = Grad(bias, covered);
                        Add(uSquares, u.mv(gb), gb);
                    }

                    break;
                }
                default:
                    throw new NotSupportedException($"Per-sample gradients of a {capture.Layer.GetType().Name} layer are not implemented.");
            }
        }

        foreach (var p in parameters)
        {
            if (p.grad is not null && !covered.Contains(p.Handle))
                throw new NotSupportedException("A trained parameter is outside the captured layers; its per-sample gradients are unknown.");
        }

        if (squaredNorms is null) return new GradientNoiseStatistics(rows, 0, 0, 0, 0);
        return new GradientNoiseStatistics(rows, meanSquared!.item<double>(), squaredNorms.sum().item<double>(), innerProducts!.sum().item<double>(),
                                           innerProducts!.pow(sc[2]).sum().item<double>());
    }

    private static Tensor Grad(Parameter parameter, HashSet<IntPtr> covered)
    {
        covered.Add(parameter.Handle);
        return parameter.grad is { } g
            ? g.detach().to(ScalarType.Float64)
            : throw new InvalidOperationException("A layer parameter has no gradient: run the backward pass first.");
    }
}
