namespace MLExtensions;

/// <summary>A schedule that also cycles the optimizer's momentum (PyTorch's <c>cycle_momentum</c>), inversely to the rate.</summary>
internal interface IMomentumCycling
{
    /// <summary>Whether the momentum is cycled.</summary>
    bool CycleMomentum { get; }

    /// <summary>The momentum (or β1) of step <paramref name="step"/> of <paramref name="totalSteps"/>: an absolute value, not a factor.</summary>
    double MomentumAt(long step, long totalSteps);
}
