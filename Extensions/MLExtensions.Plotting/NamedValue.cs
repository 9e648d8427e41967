namespace MLExtensions;

/// <summary>A named number for a chart: a leaderboard entry, or a baseline drawn as a horizontal line.</summary>
/// <param name="Name">The label shown in the chart.</param>
/// <param name="Value">The value (a metric or loss).</param>
public readonly record struct NamedValue(string Name, double Value);
