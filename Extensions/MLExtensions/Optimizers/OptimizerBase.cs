using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// Shared plumbing of this library's TorchSharp optimizers: defaults, parameter groups that inherit them, validation of
/// every group's options, per-parameter state creation and disposal. Subclasses implement <c>step</c>
/// with <c>_step</c>.
/// </summary>
/// <typeparam name="TOptions">The optimizer's nested options type.</typeparam>
/// <typeparam name="TState">The optimizer's nested per-parameter state type.</typeparam>
public abstract class OptimizerBase<TOptions, TState> : OptimizerHelper, IGroupSplitting
    where TOptions : OptimizerOptionsBase, new()
    where TState : OptimizerStateBase
{
    /// <summary>Validates <paramref name="defaults"/> and adds <paramref name="groups"/>.</summary>
    /// <param name="groups">The parameter groups; options left <see langword="null"/> inherit <paramref name="defaults"/>.</param>
    /// <param name="defaults">The optimizer-wide default options; every value must be set.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is invalid; <c>ParamName</c> is the spec property name.</exception>
    protected OptimizerBase(IEnumerable<ParamGroup> groups, TOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(defaults);
        defaults.Validate();
        defaults.InitialLearningRate = defaults.LearningRate!.Value;
        _defaults = defaults;
        _parameter_groups = new List<ParamGroup>();
        foreach (var group in groups)
            add_param_group(group);
    }

    /// <summary>The optimizer-wide default options.</summary>
    public TOptions Defaults => (TOptions)_defaults;

    /// <summary>Creates the state of one parameter (its slots are then initialized with the group's options).</summary>
    /// <param name="parameter">The parameter.</param>
    protected abstract TState CreateState(Parameter parameter);

    /// <summary>The state of <paramref name="parameter"/>.</summary>
    /// <param name="parameter">A parameter of this optimizer.</param>
    public TState GetState(Parameter parameter) => (TState)_state[parameter.Handle];

    /// <summary>Adds a parameter group: fills unset options from the defaults, validates them and creates the parameters' state.</summary>
    /// <param name="param_group">The group; its options must be this optimizer's options type or <see langword="null"/>.</param>
    public override void add_param_group(ParamGroup param_group)
    {
        ArgumentNullException.ThrowIfNull(param_group);
        param_group.Options ??= new TOptions();
        if (param_group.Options is not TOptions options)
            throw new ArgumentException($"Expected group options of type {typeof(TOptions).FullName}.", nameof(param_group));
        options.FillFrom((TOptions)_defaults);
        options.Validate();
        options.InitialLearningRate = options.LearningRate!.Value;
        param_group.Parameters = param_group.Parameters.ToArray();
        _parameter_groups.Add(param_group);
        foreach (var p in param_group.Parameters)
        {
            var state = CreateState(p);
            _state[p.Handle] = state;
            state.Initialize(options);
        }
    }

    /// <summary>Every parameter that has a gradient, in group order, with its group's options and its state.</summary>
    protected IEnumerable<(Parameter Parameter, Tensor Grad, TOptions Options, TState State)> ParametersWithGrad()
    {
        foreach (var group in _parameter_groups)
            foreach (var p in group.Parameters)
                if (p.grad is { } g)
                    yield return (p, g, (TOptions)group.Options, GetState(p));
    }

    /// <summary>
    /// Replaces every group by up to two groups, its parameters for which <paramref name="isFirst"/> holds and the others, each with a
    /// copy of the group's options changed by <paramref name="adjustFirst"/> or <paramref name="adjustOther"/>; the parameters'
    /// state is created afresh. Only allowed before the first step (used by <see cref="WidthTransferSpec"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">A step was already taken.</exception>
    void IGroupSplitting.SplitGroups(Func<Parameter, bool> isFirst, Action<OptimizerOptionsBase> adjustFirst, Action<OptimizerOptionsBase> adjustOther)
    {
        foreach (var group in ResetGroups())
        {
            var first = group.Parameters.Where(isFirst).ToList();
            var other = group.Parameters.Where(p => !isFirst(p)).ToList();
            if (first.Count > 0)
                AddCopy(group, first, adjustFirst);
            if (other.Count > 0)
                AddCopy(group, other, adjustOther);
        }
    }

    /// <inheritdoc />
    IReadOnlyList<int> IGroupSplitting.SplitPerParameter(Func<Parameter, bool> separate)
    {
        var old = ResetGroups();
        var origins = new List<int>();
        for (int g = 0; g < old.Count; g++)
        {
            var group = old[g];
            var together = group.Parameters.Where(p => !separate(p)).ToList();
            foreach (var members in group.Parameters.Where(separate).Select(p => new List<Parameter> { p }).Append(together))
            {
                if (members.Count == 0)
                    continue;
                AddCopy(group, members, _ => { });
                origins.Add(g);
            }
        }
        return origins;
    }

    private List<ParamGroup> ResetGroups()
    {
        if (_state.Values.Any(s => ((TState)s).Step > 0))
            throw new InvalidOperationException("Parameter groups can only be split before the first optimizer step.");
        var old = _parameter_groups.ToList();
        foreach (var (_, state) in _state)
            ((TState)state).Dispose();
        _state.Clear();
        _parameter_groups.Clear();
        return old;
    }

    private void AddCopy(ParamGroup group, List<Parameter> members, Action<OptimizerOptionsBase> adjust)
    {
        var options = new TOptions();
        options.LoadStateDict((TOptions)group.Options);
        adjust(options);
        add_param_group((ParamGroup)Activator.CreateInstance(group.GetType(), members, options)!);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
            foreach (var (_, state) in _state)
                ((TState)state).Dispose();
    }
}
