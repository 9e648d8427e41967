namespace MLExtensions.AutoML;

/// <summary>
/// One coordinate of a search space's feature vector, as tuners see it (see <see cref="SearchSpace.Dimensions"/>).
/// </summary>
/// <param name="Path">Where the coordinate lives: option keys joined by '.', a one-of's selector as <c>Key.Kind</c> and a
/// branch's coordinates as <c>Key[branch].Option</c>.</param>
/// <param name="Index">Position in the feature vector.</param>
/// <param name="ChoiceCount">Null for a continuous coordinate in [0, 1]; k for a categorical one, where x maps to
/// index floor(x·k), clipped to k − 1.</param>
/// <param name="ParentIndex">The selector coordinate of the enclosing one-of; null when the coordinate is always active.</param>
/// <param name="ParentChoice">The branch index of the parent selector that activates this coordinate; null when
/// <paramref name="ParentIndex"/> is null.</param>
/// <param name="Default">The default value in [0, 1].</param>
/// <param name="IsLog">Whether the coordinate maps to a value on a log scale.</param>
public sealed record FeatureDimension(string Path, int Index, int? ChoiceCount, int? ParentIndex, int? ParentChoice, double Default, bool IsLog)
{
    /// <summary>
    /// Tolerance added before flooring x·k, so that a choice's own feature value i/k (which may be one ulp below i in
    /// double arithmetic) maps back to i.
    /// </summary>
    internal const double ChoiceTolerance = 1e-9;

    /// <summary>For an integer option, its [min, max]; null for any other coordinate.</summary>
    internal (double Min, double Max)? IntegerRange { get; init; }

    /// <summary>
    /// The feature-coordinate distance from <paramref name="x"/> to the next integer up: 1/(max − min) on a linear scale,
    /// ln(1 + 1/v)/ln(max/min) at the value v = min·(max/min)^x on a log scale (FLOW2's quantum: a smaller step cannot
    /// change the integer); null for a non-integer coordinate.
    /// </summary>
    internal double? IntegerUnit(double x)
    {
        if (IntegerRange is not var (min, max))
        {
            return null;
        }

        if (!IsLog)
        {
            return 1.0 / (max - min);
        }

        double v = min * Math.Pow(max / min, Math.Clamp(x, 0, 1));
        return Math.Log(1 + (1 / v)) / Math.Log(max / min);
    }

    /// <summary>The choice index that x selects among k choices: floor(x·k), clipped to [0, k − 1].</summary>
    internal static int ChoiceIndex(double x, int k) => Math.Clamp((int)Math.Floor((x * k) + ChoiceTolerance), 0, k - 1);
}
