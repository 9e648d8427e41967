using TorchSharp.Modules;
using static TorchSharp.torch.optim;

namespace MLExtensions;

/// <summary>
/// Reads and sets the momentum of an optimizer's parameter groups, as PyTorch's schedulers set <c>momentum</c> or
/// <c>betas[0]</c>: through TorchSharp's <see cref="IBetas"/> (β1) or <see cref="IMomentum"/> when the group implements it
/// (TorchSharp's Adam, AdamW, NAdam, RAdam, Adamax, SGD and RMSprop, and this library's Adam and SGD families), else through
/// the options' <c>Momentum</c> property (this library's Muon and ARO). Groups with neither have no momentum to cycle.
/// </summary>
internal sealed class MomentumAccess
{
    private readonly (Func<double> Get, Action<double> Set)[] _targets;

    private MomentumAccess(string optionName, (Func<double>, Action<double>)[] targets)
    {
        OptionName = optionName;
        _targets = targets;
    }

    /// <summary>What is set in the groups: <c>Beta1</c> or <c>Momentum</c> (of the first group).</summary>
    public string OptionName { get; }

    /// <summary>Access to every group's momentum, or <c>null</c> when a group has none.</summary>
    public static MomentumAccess? TryCreate(IEnumerable<ILearningRateController> groups)
    {
        var targets = new List<(Func<double>, Action<double>)>();
        string? name = null;
        foreach (var g in groups)
        {
            var (groupName, target) = Of(g);
            if (target is null) return null;
            name ??= groupName;
            targets.Add(target.Value);
        }

        return targets.Count == 0 ? null : new MomentumAccess(name!, targets.ToArray());
    }

    private static (string, (Func<double>, Action<double>)?) Of(ILearningRateController group)
    {
        switch (group)
        {
            case IBetas betas:
                return ("Beta1", (() => betas.Betas.Item1, v => betas.Betas = (v, betas.Betas.Item2)));
            case IMomentum momentum:
                return ("Momentum", (() => momentum.Momentum, v => momentum.Momentum = v));
            case ParamGroup { Options: { } options }:
                var property = options.GetType().GetProperty("Momentum", typeof(double?));
                if (property is null || !property.CanWrite) return ("", null);
                return (property.Name, (() => (double)property.GetValue(options)!, v => property.SetValue(options, v)));
            default:
                return ("", null);
        }
    }

    /// <summary>The first group's momentum.</summary>
    public double Get() => _targets[0].Get();

    /// <summary>Sets every group's momentum to <paramref name="value"/>.</summary>
    public void Set(double value)
    {
        foreach (var (_, set) in _targets) set(value);
    }
}
