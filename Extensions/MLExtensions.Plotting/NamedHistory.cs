namespace MLExtensions;

/// <summary>One training run of a comparison chart: a label and the run's epoch history.</summary>
/// <param name="Name">The legend entry, e.g. <c>"Adan, warm-up + cosine"</c>.</param>
/// <param name="History">The run's history, e.g. <c>model.Model.History</c>.</param>
public sealed record NamedHistory(string Name, IReadOnlyList<EpochRecord> History);
