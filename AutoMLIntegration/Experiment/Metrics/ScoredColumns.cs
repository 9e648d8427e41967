using Microsoft.ML;

namespace MLExtensions.AutoML;

/// <summary>Checks, before ML.NET's evaluator runs, that the scored data has the columns a metric reads, so that a wrong column
/// name fails with a message naming the column and the setter that chose it.</summary>
internal static class ScoredColumns
{
    /// <summary>Throws <see cref="ArgumentException"/> when <paramref name="scored"/> has no column <paramref name="name"/>.</summary>
    /// <param name="scored">The scored validation data.</param>
    /// <param name="name">The column the metric reads.</param>
    /// <param name="parameter">The metric setter's parameter that named it (e.g. <c>labelColumn</c>).</param>
    /// <param name="setter">The setter, e.g. <c>SetBinaryClassificationMetric</c>.</param>
    public static void Require(IDataView scored, string name, string parameter, string setter)
    {
        if (scored.Schema.GetColumnOrNull(name) is not null) return;
        var available = string.Join(", ", scored.Schema.Where(c => !c.IsHidden).Select(c => c.Name));
        throw new ArgumentException(
            $"The metric reads column '{name}' ({parameter} of {setter}), which the scored data does not have. Columns: {available}.", parameter);
    }
}
