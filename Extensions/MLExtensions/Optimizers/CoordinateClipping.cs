using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// Coordinate-wise clipping (Pan &amp; Li 2023, arXiv 2306.00204; ALGORITHMS.md D8) around any TorchSharp optimizer: the
/// threshold τ is the magnitude at rank ⌊c·n⌋ (0-based, descending) of the n coordinates, and every coordinate becomes
/// <c>sign(u)·min(|u|, s·τ)</c>. So with <c>s = 1</c> exactly the ⌊c·n⌋ largest coordinates change (fewer when magnitudes tie
/// at τ: coordinates equal to τ are kept); <c>c = 0</c> is the identity and <c>c = 1</c> zeroes everything.
/// </summary>
/// <remarks>
/// The wrapper owns nothing but the inner optimizer: parameter groups, learning rates and state are the inner optimizer's
/// (<see cref="ParamGroups"/> and <see cref="state_dict"/> delegate), so schedules and save/restore work unchanged.
/// Clipping the update snapshots the parameters before each step (one copy of the parameters of extra work).
/// The threshold is found with <c>kthvalue</c> (a selection, not a full sort).
/// </remarks>
public sealed class CoordinateClipping : OptimizerHelper
{
    private readonly OptimizerHelper _inner;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The optimizer whose update (or gradient) is clipped; it is disposed with the wrapper.</param>
    /// <param name="fraction">The fraction c of coordinates to clip. Default 0.01; in [0, 1].</param>
    /// <param name="thresholdScale">The factor s on τ. Default 1; greater than 0.</param>
    /// <param name="global">One threshold over all coordinates of all tensors (true) or one per tensor (false). Default true.</param>
    /// <param name="target">Clip the update or the gradient. Default <see cref="ClippingTarget.Update"/>.</param>
    public CoordinateClipping(OptimizerHelper inner, double fraction = 0.01, double thresholdScale = 1, bool global = true,
                              ClippingTarget target = ClippingTarget.Update)
    {
        ArgumentNullException.ThrowIfNull(inner);
        OptimizerChecks.ClosedUnitInterval(fraction, "Fraction");
        OptimizerChecks.Positive(thresholdScale, "ThresholdScale");
        if (!Enum.IsDefined(target))
            throw new ArgumentOutOfRangeException("Target", target, "Unknown clipping target.");
        _inner = inner;
        Fraction = fraction;
        ThresholdScale = thresholdScale;
        Global = global;
        Target = target;
        _parameter_groups = new List<TorchSharp.Modules.ParamGroup>();
    }

    /// <summary>The wrapped optimizer.</summary>
    public OptimizerHelper Inner => _inner;

    /// <summary>The fraction c of coordinates clipped.</summary>
    public double Fraction { get; }

    /// <summary>The factor s on the threshold.</summary>
    public double ThresholdScale { get; }

    /// <summary>One threshold over all tensors (true) or one per tensor (false).</summary>
    public bool Global { get; }

    /// <summary>What is clipped.</summary>
    public ClippingTarget Target { get; }

    /// <inheritdoc />
    public override IEnumerable<torch.optim.ILearningRateController> ParamGroups => _inner.ParamGroups;

    /// <inheritdoc />
    public override IEnumerable<Parameter> parameters() => _inner.parameters();

    /// <inheritdoc />
    public override void zero_grad() => _inner.zero_grad();

    /// <inheritdoc />
    public override void add_param_group(TorchSharp.Modules.ParamGroup param_group) => _inner.add_param_group(param_group);

    /// <inheritdoc />
    public override torch.optim.Optimizer.StateDictionary state_dict() => _inner.state_dict();

    /// <inheritdoc />
    public override void load_state_dict(torch.optim.Optimizer.StateDictionary state_dict) => _inner.load_state_dict(state_dict);

    /// <summary>Clips <paramref name="tensors"/> in place (shared threshold when <see cref="Global"/>).</summary>
    /// <param name="tensors">The tensors to clip.</param>
    /// <param name="fraction">The fraction c.</param>
    /// <param name="thresholdScale">The factor s.</param>
    /// <param name="global">Whether the threshold is shared.</param>
    public static void ClipInPlace(IReadOnlyList<Tensor> tensors, double fraction, double thresholdScale, bool global)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0 || fraction == 0)
            return;
        using var scope = torch.NewDisposeScope();
        using var sc = new StepScalars();
        if (global)
        {
            // One copy of all coordinates, made absolute in place (no temporary per tensor).
            var all = tensors.Count == 1 ? tensors[0].detach().abs().flatten() : torch.cat(tensors.Select(t => t.detach().flatten()).ToList()).abs_();
            var tau = Threshold(all, fraction, sc).mul_(sc[thresholdScale]);
            foreach (var t in tensors)
                Clamp(t, tau, sc);
        }
        else
        {
            foreach (var t in tensors)
                Clamp(t, Threshold(t.detach().abs().flatten(), fraction, sc).mul_(sc[thresholdScale]), sc);
        }
    }

    private static Tensor Threshold(Tensor magnitudes, double fraction, StepScalars sc)
    {
        long n = magnitudes.shape[0];
        long k = (long)Math.Floor(fraction * n);
        if (k <= 0)
            return magnitudes.max().add(sc[double.PositiveInfinity], alpha: sc.One);
        if (k >= n)
            return torch.zeros(Array.Empty<long>(), dtype: magnitudes.dtype, device: magnitudes.device);
        // The (k+1)-th largest: a partial top-k when few are clipped, else the (n-k)-th smallest.
        return k + 1 <= n / 2 ? magnitudes.topk((int)(k + 1), sorted: false).values.min() : magnitudes.kthvalue(n - k, 0).values;
    }

    /// <summary><c>sign(u)·min(|u|, τ)</c>, i.e. clamping to [−τ, τ].</summary>
    private static void Clamp(Tensor t, Tensor tau, StepScalars sc)
    {
        var bound = tau.dtype == t.dtype ? tau : tau.to(t.dtype);
        t.clamp_(bound.neg(), bound);
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null)
    {
        Tensor? loss = null;
        if (closure is not null)
        {
            using var enable = torch.enable_grad();
            loss = closure();
        }

        var ps = _inner.parameters().ToList();
        if (Target == ClippingTarget.Gradient)
        {
            using (torch.no_grad())
            using (torch.NewDisposeScope())
                ClipInPlace(ps.Select(p => p.grad).OfType<Tensor>().ToList(), Fraction, ThresholdScale, Global);
            _inner.step();
            return loss!;
        }

        using (torch.NewDisposeScope())
        {
            List<Tensor> before;
            using (torch.no_grad())
                before = ps.Select(p => p.detach().clone()).ToList();
            _inner.step();
            using (torch.no_grad())
            {
                using var sc = new StepScalars();
                var updates = ps.Select((p, i) => p.detach() - before[i]).ToList();
                ClipInPlace(updates, Fraction, ThresholdScale, Global);
                for (int i = 0; i < ps.Count; i++)
                    ps[i].copy_(before[i].add_(updates[i], alpha: sc.One));
            }
        }
        return loss!;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
            _inner.Dispose();
    }
}
