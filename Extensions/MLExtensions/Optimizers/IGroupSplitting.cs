using TorchSharp.Modules;

namespace MLExtensions;

/// <summary>An optimizer whose parameter groups can be split, with adjusted options, before its first step (<see cref="WidthTransferSpec"/>).</summary>
internal interface IGroupSplitting
{
    /// <summary>Replaces every group by its parameters for which <paramref name="isFirst"/> holds and the others, each with a copy of
    /// the group's options changed by <paramref name="adjustFirst"/> or <paramref name="adjustOther"/>; empty groups are left out.</summary>
    /// <exception cref="InvalidOperationException">A step was already taken.</exception>
    void SplitGroups(Func<Parameter, bool> isFirst, Action<OptimizerOptionsBase> adjustFirst, Action<OptimizerOptionsBase> adjustOther);

    /// <summary>Gives every parameter for which <paramref name="separate"/> holds a group of its own (a copy of its group's options),
    /// in place of its group; the others stay together. Returns, for each new group, the index of the group it came from.</summary>
    /// <exception cref="InvalidOperationException">A step was already taken.</exception>
    IReadOnlyList<int> SplitPerParameter(Func<Parameter, bool> separate);
}
