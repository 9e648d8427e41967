namespace MLExtensions;

/// <summary>Seeded hold-out split, stratified by label for classification.</summary>
internal static class ValidationSplit
{
    /// <summary>Holds out about <paramref name="fraction"/> of the rows (of each class when <paramref name="stratified"/>).</summary>
    /// <returns>The training rows and the validation rows; validation is <c>null</c> when it would be empty or leave no training rows.</returns>
    public static (PackedData Train, PackedData? Validation) Split(PackedData data, double fraction, bool stratified, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        var random = new Random(seed);
        var groups = stratified
            ? Enumerable.Range(0, data.RowCount).GroupBy(i => data.Labels[i]).OrderBy(g => g.Key).Select(g => g.ToArray()).ToList()
            : [Enumerable.Range(0, data.RowCount).ToArray()];
        var train = new List<int>();
        var validation = new List<int>();
        foreach (var group in groups)
        {
            random.Shuffle(group);
            int held = (int)Math.Round(group.Length * fraction);
            if (held >= group.Length) held = group.Length - 1;
            validation.AddRange(group.Take(held));
            train.AddRange(group.Skip(held));
        }
        if (validation.Count == 0 || train.Count == 0)
            return (data, null);
        train.Sort();
        validation.Sort();
        return (data.Select(train), data.Select(validation));
    }
}
