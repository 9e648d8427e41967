using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>The per-run controller of <see cref="LantonSchedule"/>.</summary>
internal sealed class LantonController : ScheduleControllerBase, IIndependentGradientController
{
    private readonly LantonSchedule _spec;
    private readonly ILantonRateRule _rule;
    private readonly Layer?[] _layers;           // per group: the layer it holds, or null (vectors)
    private readonly int[][] _normGroups;        // group indices of the layers of each norm group
    private readonly double[] _ratios;

    public LantonController(LantonSchedule spec, torch.optim.Optimizer optimizer, ILantonRateRule rule)
        : base(Split(optimizer, out var origins))
    {
        _spec = spec;
        _rule = rule;
        _layers = new Layer?[Groups.Count];
        for (int g = 0; g < Groups.Count; g++)
        {
            var group = (ParamGroup)Groups[g];
            var ps = group.Parameters.ToArray();
            if (ps.Length == 1 && ps[0].dim() >= 2)
            {
                bool spectral = group.Options is Muon.Options { UseMuon: true };
                _layers[g] = new Layer(ps[0], new LantonNoiseEstimator(m => LantonNorms.Dual(m, spectral)));
            }
        }
        _normGroups = Enumerable.Range(0, Groups.Count).Where(g => _layers[g] is not null)
            .GroupBy(g => origins[g]).Select(x => x.ToArray()).ToArray();
        _ratios = Enumerable.Repeat(1.0, Groups.Count).ToArray();
    }

    /// <summary>The current rate multiplier of each (split) group; 1 for groups without a layer or estimate.</summary>
    public IReadOnlyList<double> Ratios => _ratios;

    /// <summary>The bias-corrected noise estimate of each group's layer (NaN for groups without a layer or estimate).</summary>
    public IReadOnlyList<double> Noise => _layers.Select(l => l?.Estimator.Estimate(_spec.Beta2) ?? double.NaN).ToArray();

    /// <inheritdoc />
    public bool NeedsIndependentGradient => _spec.Noise == LantonNoiseEstimate.IndependentGradient;

    /// <inheritdoc />
    public void ObserveIndependentGradient()
    {
        if (!NeedsIndependentGradient)
            throw new InvalidOperationException("This LANTON schedule estimates the noise from the previous gradient (Noise = PreviousGradient); set Noise = IndependentGradient to hand it independent gradients.");
        using (no_grad())
            foreach (var layer in _layers)
                if (layer?.Parameter.grad is { } grad)
                    layer.Estimator.SetIndependent(grad);
    }

    private static torch.optim.Optimizer Split(torch.optim.Optimizer optimizer, out IReadOnlyList<int> origins)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        var target = optimizer is CoordinateClipping clipping ? clipping.Inner : optimizer;
        if (target is not IGroupSplitting splitting)
            throw new ArgumentException($"LANTON needs one of this library's optimizers (its groups are split per layer); got {target.GetType().Name}.", nameof(optimizer));
        origins = splitting.SplitPerParameter(p => p.dim() >= 2);
        return optimizer;
    }

    public override void BeforeStep(in TrainingStepContext context)
    {
        double factor = _spec.Factor(context.Step, context.TotalSteps);
        using (no_grad())
            foreach (var layer in _layers)
            {
                if (layer?.Parameter.grad is not { } grad)
                    continue;
                if (NeedsIndependentGradient)
                    layer.Estimator.ObserveWithIndependent(grad, _spec.Beta2);
                else
                    layer.Estimator.ObserveWithPrevious(grad, _spec.Beta2);
            }
        foreach (var members in _normGroups)
        {
            var estimated = members.Where(g => _layers[g]!.Estimator.Count > 0).ToArray();
            var noise = new double[estimated.Length];
            var ratios = new double[estimated.Length];
            for (int i = 0; i < estimated.Length; i++)
                noise[i] = _layers[estimated[i]]!.Estimator.Estimate(_spec.Beta2);
            if (estimated.Length > 0)
                _rule.Ratios(noise, ratios);
            foreach (int g in members)
                _ratios[g] = 1.0;
            for (int i = 0; i < estimated.Length; i++)
            {
                if (!(ratios[i] > 0) || double.IsInfinity(ratios[i]))
                    throw new InvalidOperationException($"The LANTON rate rule {_rule.GetType().Name} returned {ratios[i]} for H = {noise[i]}; ratios must be finite and > 0.");
                _ratios[estimated[i]] = ratios[i];
            }
        }
        for (int g = 0; g < Groups.Count; g++)
            SetFactor(g, factor * _ratios[g], context);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            foreach (var layer in _layers)
                layer?.Estimator.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>A layer: its parameter and its noise estimate.</summary>
    private sealed record Layer(Parameter Parameter, LantonNoiseEstimator Estimator);
}
