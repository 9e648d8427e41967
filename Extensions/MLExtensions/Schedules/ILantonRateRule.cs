namespace MLExtensions;

/// <summary>
/// LANTON's layer-rate rule (the RATE(·) line of the paper's Algorithm 1, not recovered; see <see cref="LantonSchedule"/>): maps the
/// noise estimates H of the layers of one norm group to each layer's multiplier of the group's scheduled rate. Implement it to try
/// another rule (<see cref="LantonSchedule.CreateController(TorchSharp.torch.optim.Optimizer, ILantonRateRule)"/>).
/// </summary>
public interface ILantonRateRule
{
    /// <summary>Writes each layer's rate multiplier.</summary>
    /// <param name="noise">The bias-corrected noise estimates H ≥ 0 of the group's layers (squared dual norms).</param>
    /// <param name="ratios">Receives one finite multiplier &gt; 0 per layer, in the same order.</param>
    void Ratios(ReadOnlySpan<double> noise, Span<double> ratios);
}
