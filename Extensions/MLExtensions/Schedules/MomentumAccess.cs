using System.Reflection;
using TorchSharp.Modules;

namespace MLExtensions;

/// <summary>
/// Reads and sets the momentum of this library's optimizers' parameter groups: the options' <c>Momentum</c> (SGD family, LARS,
/// Muon, ARO), else their <c>Beta1</c> (Adam family, Lion, ...), as PyTorch's schedulers set <c>momentum</c> or <c>betas[0]</c>.
/// Optimizers with neither have no momentum to cycle.
/// </summary>
internal sealed class MomentumAccess
{
    private readonly (OptimizerOptions Options, PropertyInfo Property)[] _targets;

    private MomentumAccess((OptimizerOptions, PropertyInfo)[] targets) => _targets = targets;

    /// <summary>The option name set in the groups (<c>Momentum</c> or <c>Beta1</c> of the first group).</summary>
    public string OptionName => _targets[0].Property.Name;

    /// <summary>Access to every group's momentum, or <c>null</c> when a group's options have neither <c>Momentum</c> nor <c>Beta1</c>.</summary>
    public static MomentumAccess? TryCreate(IEnumerable<TorchSharp.torch.optim.ILearningRateController> groups)
    {
        var targets = new List<(OptimizerOptions, PropertyInfo)>();
        foreach (var g in groups)
        {
            if (g is not ParamGroup { Options: { } options }) return null;
            var type = options.GetType();
            var property = type.GetProperty("Momentum", typeof(double?)) ?? type.GetProperty("Beta1", typeof(double?));
            if (property is null || !property.CanWrite) return null;
            targets.Add((options, property));
        }

        return targets.Count == 0 ? null : new MomentumAccess(targets.ToArray());
    }

    /// <summary>The first group's momentum.</summary>
    public double Get() => (double)_targets[0].Property.GetValue(_targets[0].Options)!;

    /// <summary>Sets every group's momentum to <paramref name="value"/>.</summary>
    public void Set(double value)
    {
        foreach (var (options, property) in _targets) property.SetValue(options, value);
    }
}
