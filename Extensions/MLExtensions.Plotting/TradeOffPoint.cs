namespace MLExtensions;

/// <summary>One classifier on an accuracy-robustness chart: its clean accuracy and its accuracy under attack.</summary>
/// <param name="Name">The label shown in the chart (e.g. <c>α = 0.5</c>, <c>adaptive</c>).</param>
/// <param name="CleanAccuracy">Accuracy on clean inputs, in [0, 1].</param>
/// <param name="RobustAccuracy">Accuracy on attacked inputs, in [0, 1].</param>
public readonly record struct TradeOffPoint(string Name, double CleanAccuracy, double RobustAccuracy);
