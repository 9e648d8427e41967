using TorchSharp;

namespace MLExtensions;

/// <summary>
/// The per-run state of <see cref="ReduceOnPlateauSchedule"/>, as torch 1.13's <c>ReduceLROnPlateau.step</c>: the best metric,
/// the count of bad epochs, the cooldown counter and every group's current (reduced) rate.
/// </summary>
internal sealed class ReduceOnPlateauController : ScheduleControllerBase, IMetricFeedbackController
{
    private readonly ReduceOnPlateauSchedule _spec;
    private readonly double[] _rates;
    private double _best;
    private int _badEpochs, _cooldownLeft;

    public ReduceOnPlateauController(ReduceOnPlateauSchedule spec, torch.optim.Optimizer optimizer) : base(optimizer)
    {
        _spec = spec;
        _rates = Groups.Select(g => g.InitialLearningRate).ToArray();
        _best = spec.Mode == PlateauMode.Minimize ? double.PositiveInfinity : double.NegativeInfinity;
    }

    /// <summary>Every group's current rate before the base factor and the batch-size scaling (for tests and diagnostics).</summary>
    public IReadOnlyList<double> Rates => _rates;

    public override void BeforeStep(in TrainingStepContext context)
    {
        double factor = _spec.Factor(context.Step, context.TotalSteps);
        for (int g = 0; g < Groups.Count; g++)
            Groups[g].LearningRate = _rates[g] * context.LearningRateScale * factor;
    }

    public void ObserveMetric(double value)
    {
        if (IsBetter(value))
        {
            _best = value;
            _badEpochs = 0;
        }
        else
        {
            _badEpochs++;
        }

        if (_cooldownLeft > 0)
        {
            _cooldownLeft--;
            _badEpochs = 0;
        }

        if (_badEpochs > _spec.Patience)
        {
            for (int g = 0; g < _rates.Length; g++)
            {
                double reduced = Math.Max(_rates[g] * _spec.Gamma, _spec.MinLearningRate);
                if (_rates[g] - reduced > _spec.Epsilon) _rates[g] = reduced;
            }

            _cooldownLeft = _spec.Cooldown;
            _badEpochs = 0;
        }
    }

    // NaN is never better (every comparison with it is false), as in PyTorch.
    private bool IsBetter(double value) => (_spec.Mode, _spec.ThresholdMode) switch
    {
        (PlateauMode.Minimize, PlateauThresholdMode.Relative) => value < _best * (1 - _spec.Threshold),
        (PlateauMode.Minimize, _) => value < _best - _spec.Threshold,
        (_, PlateauThresholdMode.Relative) => value > _best * (1 + _spec.Threshold),
        _ => value > _best + _spec.Threshold,
    };
}
