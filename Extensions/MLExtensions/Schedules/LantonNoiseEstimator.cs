using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// One layer's noise estimate for <see cref="LantonSchedule"/>: <c>H ← β2·H + (1−β2)·‖G − G′‖²_dual</c> with H₀ = 0, bias-corrected,
/// where <c>G′</c> is the previous gradient (option II) or an independent one (option I).
/// </summary>
internal sealed class LantonNoiseEstimator(Func<Tensor, double> dualNorm) : IDisposable
{
    private Tensor? _previous;
    private Tensor? _independent;
    private bool _hasIndependent;
    private double _h;

    /// <summary>How many differences the estimate holds.</summary>
    public int Count { get; private set; }

    /// <summary>Whether an independent gradient waits for the next <see cref="ObserveWithIndependent"/>.</summary>
    public bool HasIndependent => _hasIndependent;

    /// <summary>Option II: the difference from the previous gradient (the first call only stores the gradient).</summary>
    public void ObserveWithPrevious(Tensor grad, double beta2)
    {
        if (_previous is null)
        {
            _previous = grad.detach().clone().DetachFromDisposeScope();
            return;
        }
        Add(grad, _previous, beta2);
        _previous.copy_(grad);
    }

    /// <summary>Stores a copy of <paramref name="grad"/> as the independent gradient of the coming step (option I).</summary>
    public void SetIndependent(Tensor grad)
    {
        if (_independent is null)
            _independent = grad.detach().clone().DetachFromDisposeScope();
        else
            _independent.copy_(grad);
        _hasIndependent = true;
    }

    /// <summary>Option I: the difference from the independent gradient stored by <see cref="SetIndependent"/>, which is used once.</summary>
    /// <exception cref="InvalidOperationException">No independent gradient was stored since the last call.</exception>
    public void ObserveWithIndependent(Tensor grad, double beta2)
    {
        if (!_hasIndependent || _independent is null)
            throw new InvalidOperationException("LANTON option I (Noise = IndependentGradient) needs the gradient of a second, independent minibatch before every step: " +
                "call IIndependentGradientController.ObserveIndependentGradient() after its backward pass and before BeforeStep (the trainers' loop does this itself; " +
                "a custom loop must do it every step, or use Noise = PreviousGradient).");
        _hasIndependent = false;
        Add(grad, _independent, beta2);
    }

    private void Add(Tensor grad, Tensor other, double beta2)
    {
        using var scope = NewDisposeScope();
        using var sc = new StepScalars();
        double dual = dualNorm(grad.detach().add(other, alpha: sc[-1.0]));
        _h = beta2 * _h + (1 - beta2) * dual * dual;
        Count++;
    }

    /// <summary>The bias-corrected estimate, NaN before the first difference.</summary>
    public double Estimate(double beta2) => Count == 0 ? double.NaN : _h / (1 - Math.Pow(beta2, Count));

    public void Dispose()
    {
        _previous?.Dispose();
        _previous = null;
        _independent?.Dispose();
        _independent = null;
    }
}
