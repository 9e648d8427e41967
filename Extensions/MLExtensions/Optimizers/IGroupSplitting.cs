using TorchSharp.Modules;

namespace MLExtensions;

/// <summary>An optimizer whose parameter groups can be split, with adjusted options, before its first step (<see cref="WidthTransferSpec"/>).</summary>
internal interface IGroupSplitting
{
    /// <summary>Replaces every group by its parameters for which <paramref name="isFirst"/> holds and the others, each with a copy of
    /// the group's options changed by <paramref name="adjustFirst"/> or <paramref name="adjustOther"/>; empty groups are left out.</summary>
    /// <exception cref="InvalidOperationException">A step was already taken.</exception>
    void SplitGroups(Func<Parameter, bool> isFirst, Action<OptimizerOptionsBase> adjustFirst, Action<OptimizerOptionsBase> adjustOther);
}
