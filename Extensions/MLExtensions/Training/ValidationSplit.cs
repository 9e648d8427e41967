namespace MLExtensions;

/// <summary>Seeded hold-out split, stratified by label for classification.</summary>
internal static class ValidationSplit
{
    /// <summary>Holds out about <paramref name="fraction"/> of the rows (of each class when <paramref name="stratified"/>).</summary>
    /// <returns>The training rows and the validation rows; validation is <c>null</c> when it would be empty or leave no training rows.</returns>
    public static (PackedData Train, PackedData? Validation) Split(PackedData data, double fraction, bool stratified, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        var (train, validation) = SplitRows(data.Labels, fraction, stratified, seed);
        return validation is null ? (data, null) : (data.Select(train), data.Select(validation));
    }

    /// <summary>The row numbers of <see cref="Split"/>'s training and validation parts, each ascending; validation is <c>null</c> when
    /// it would be empty or leave no training rows.</summary>
    /// <param name="labels">One label per row (only compared for equality when <paramref name="stratified"/>).</param>
    /// <param name="fraction">The share held out, of each class when <paramref name="stratified"/>.</param>
    /// <param name="stratified">Whether each label value is split on its own.</param>
    /// <param name="seed">Seed of the shuffles.</param>
    public static (int[] Train, int[]? Validation) SplitRows(IReadOnlyList<float> labels, double fraction, bool stratified, int seed)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var random = new Random(seed);
        int rows = labels.Count;
        // Groups in ascending label order, each holding its rows in ascending order, shuffled one after the other.
        List<int[]> groups;
        if (stratified)
        {
            var byLabel = new SortedDictionary<float, List<int>>();
            for (int i = 0; i < rows; i++)
            {
                if (!byLabel.TryGetValue(labels[i], out var list)) byLabel[labels[i]] = list = [];
                list.Add(i);
            }
            groups = byLabel.Values.Select(g => g.ToArray()).ToList();
        }
        else
        {
            var all = new int[rows];
            for (int i = 0; i < rows; i++) all[i] = i;
            groups = [all];
        }

        var held = new bool[rows];
        int validationCount = 0;
        foreach (var group in groups)
        {
            random.Shuffle(group);
            int count = (int)Math.Round(group.Length * fraction);
            if (count >= group.Length) count = group.Length - 1;
            for (int k = 0; k < count; k++) held[group[k]] = true;
            validationCount += Math.Max(count, 0);
        }
        if (validationCount == 0 || validationCount == rows)
            return (Enumerable.Range(0, rows).ToArray(), null);
        var train = new int[rows - validationCount];
        var validation = new int[validationCount];
        for (int i = 0, t = 0, v = 0; i < rows; i++)
        {
            if (held[i]) validation[v++] = i;
            else train[t++] = i;
        }
        return (train, validation);
    }
}
