using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>The per-run controller of <see cref="HypergradientSchedule"/>: one multiplier per parameter group.</summary>
internal sealed class HypergradientController : ScheduleControllerBase
{
    private readonly HypergradientSchedule _spec;
    private readonly Parameter[][] _parameters;
    // Per group and parameter: between BeforeStep and AfterStep the parameters before the step; otherwise the last update Δ.
    private readonly Tensor?[][] _last;
    private readonly Tensor?[][] _previous;
    private readonly double[] _multipliers;
    private bool _haveUpdate, _haveTwoUpdates;

    public HypergradientController(HypergradientSchedule spec, torch.optim.Optimizer optimizer) : base(optimizer)
    {
        _spec = spec;
        _parameters = Groups.Select(g => g is ParamGroup pg ? pg.Parameters.ToArray()
            : throw new ArgumentException($"The hypergradient schedule needs TorchSharp parameter groups; {optimizer.GetType().Name} has {g.GetType().Name}.", nameof(optimizer))).ToArray();
        _last = _parameters.Select(ps => new Tensor?[ps.Length]).ToArray();
        _previous = _parameters.Select(ps => new Tensor?[ps.Length]).ToArray();
        _multipliers = Enumerable.Repeat(1.0, Groups.Count).ToArray();
    }

    /// <summary>The current multiplier h of each group (for tests and diagnostics).</summary>
    public IReadOnlyList<double> Multipliers => _multipliers;

    public override void BeforeStep(in TrainingStepContext context)
    {
        double factor = _spec.Factor(context.Step, context.TotalSteps);
        using (no_grad())
        {
            for (int g = 0; g < Groups.Count; g++)
            {
                if (_spec.Beta != 0 && _spec.Signal == HypergradientSignal.GradientAndUpdate && _haveUpdate)
                    Adapt(g, Cosine(g, useGradient: true));
                SetFactor(g, factor * _multipliers[g], context);
                for (int i = 0; i < _parameters[g].Length; i++)
                {
                    var p = _parameters[g][i];
                    if (_spec.Signal == HypergradientSignal.ConsecutiveUpdates && _last[g][i] is { } delta)
                    {
                        // Keep Δ_{t−1} before the buffer takes the parameters.
                        if (_previous[g][i] is { } prev) prev.copy_(delta);
                        else _previous[g][i] = delta.clone().DetachFromDisposeScope();
                    }
                    if (_last[g][i] is { } buffer) buffer.copy_(p);
                    else
                    {
                        using var detached = p.detach();
                        _last[g][i] = detached.clone().DetachFromDisposeScope();
                    }
                }
            }
        }
    }

    public override void AfterStep(in TrainingStepContext context)
    {
        using (no_grad())
        {
            using var sc = new StepScalars();
            for (int g = 0; g < Groups.Count; g++)
                for (int i = 0; i < _parameters[g].Length; i++)
                    _last[g][i]!.add_(_parameters[g][i], alpha: sc[-1.0]).neg_();   // Δ_t = θ_{t+1} − θ_t
            _haveTwoUpdates = _haveUpdate;
            _haveUpdate = true;
            if (_spec.Beta != 0 && _spec.Signal == HypergradientSignal.ConsecutiveUpdates && _haveTwoUpdates)
                for (int g = 0; g < Groups.Count; g++)
                    Adapt(g, Cosine(g, useGradient: false));
        }
    }

    private void Adapt(int group, double alignment)
    {
        double growth = Math.Min(_spec.MaxGrowth, 1 + _spec.Beta * alignment);
        _multipliers[group] = Math.Clamp(_multipliers[group] * growth, _spec.MinFactor, _spec.MaxFactor);
    }

    /// <summary>cos(g_t, −Δ_{t−1}) or cos(Δ_{t−1}, Δ_{t−2}) over the group's parameters (those with a gradient); 0 when a norm is 0.</summary>
    private double Cosine(int group, bool useGradient)
    {
        using var scope = NewDisposeScope();
        using var sc = new StepScalars();
        Tensor? dot = null, aa = null, bb = null;
        for (int i = 0; i < _parameters[group].Length; i++)
        {
            var p = _parameters[group][i];
            Tensor? a = useGradient ? p.grad : _previous[group][i];
            var b = _last[group][i];
            if (a is null || b is null || (useGradient && p.grad is null))
                continue;
            var a64 = a.to(ScalarType.Float64).flatten();
            var b64 = b.to(ScalarType.Float64).flatten();
            var d = a64.dot(b64);
            var na = a64.dot(a64);
            var nb = b64.dot(b64);
            dot = dot is null ? d : dot.add_(d, alpha: sc.One);
            aa = aa is null ? na : aa.add_(na, alpha: sc.One);
            bb = bb is null ? nb : bb.add_(nb, alpha: sc.One);
        }
        if (dot is null)
            return 0;
        double denominator = Math.Sqrt(aa!.item<double>() * bb!.item<double>());
        if (!(denominator > 0) || double.IsInfinity(denominator))
            return 0;
        double cosine = dot.item<double>() / denominator;
        // The gradient points uphill: alignment with the descent step −Δ is −cos(g, Δ).
        return useGradient ? -cosine : cosine;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            foreach (var buffers in _last.Concat(_previous))
                for (int i = 0; i < buffers.Length; i++)
                {
                    buffers[i]?.Dispose();
                    buffers[i] = null;
                }
        base.Dispose(disposing);
    }
}
