namespace MLExtensions.AutoML;

/// <summary>
/// Walks the feature dimensions of a conditional search space in their order (parents before children): which are
/// active for a point being built, the choice a categorical coordinate encodes, uniform sampling of the active ones.
/// </summary>
internal static class ConditionalFeatures
{
    /// <summary>The choice index a coordinate x encodes for k choices: floor(x·k) (with the search space's tolerance), clipped to [0, k − 1].</summary>
    public static int ChoiceIndex(double x, int choiceCount) => FeatureDimension.ChoiceIndex(x, choiceCount);

    /// <summary>The coordinate at the centre of choice <paramref name="index"/> of k.</summary>
    public static double ChoiceCoordinate(int index, int choiceCount) => (index + 0.5) / choiceCount;

    /// <summary>
    /// Whether dimension <paramref name="i"/> is active, given <paramref name="active"/> already filled for the
    /// dimensions before it and their coordinates in <paramref name="x"/>.
    /// </summary>
    public static bool IsActive(IReadOnlyList<FeatureDimension> dimensions, double[] x, bool[] active, int i)
    {
        FeatureDimension d = dimensions[i];
        if (d.ParentIndex is not int parent)
        {
            return true;
        }

        if (!active[parent] || double.IsNaN(x[parent]))
        {
            return false;
        }

        int k = dimensions[parent].ChoiceCount ?? throw new InvalidOperationException(
            $"Feature dimension '{dimensions[parent].Path}' is the parent of '{d.Path}' but is not categorical.");
        return ChoiceIndex(x[parent], k) == d.ParentChoice;
    }

    /// <summary>Activity of every dimension for a complete point (NaN coordinates of inactive dimensions are allowed).</summary>
    public static bool[] Activity(IReadOnlyList<FeatureDimension> dimensions, double[] x)
    {
        var active = new bool[dimensions.Count];
        for (int i = 0; i < dimensions.Count; i++)
        {
            active[i] = IsActive(dimensions, x, active, i);
        }

        return active;
    }

    /// <summary>A point uniform over the active dimensions (categorical ones at a choice's centre); inactive ones are NaN.</summary>
    public static double[] SampleUniform(IReadOnlyList<FeatureDimension> dimensions, Random random)
    {
        var x = new double[dimensions.Count];
        var active = new bool[dimensions.Count];
        for (int i = 0; i < dimensions.Count; i++)
        {
            active[i] = IsActive(dimensions, x, active, i);
            if (!active[i])
            {
                x[i] = double.NaN;
                continue;
            }

            x[i] = dimensions[i].ChoiceCount is int k
                ? ChoiceCoordinate(random.Next(k), k)
                : random.NextDouble();
        }

        return x;
    }

    /// <summary>Checks that dimension i sits at index i and that parents come before children.</summary>
    public static IReadOnlyList<FeatureDimension> Validate(SearchSpace searchSpace, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(searchSpace, parameterName);
        IReadOnlyList<FeatureDimension> dimensions = searchSpace.Dimensions;
        for (int i = 0; i < dimensions.Count; i++)
        {
            FeatureDimension d = dimensions[i];
            if (d.Index != i)
            {
                throw new ArgumentException($"Feature dimension '{d.Path}' has Index {d.Index} at position {i}.", parameterName);
            }

            if (d.ParentIndex is int p && (p >= i || p < 0 || d.ParentChoice is null))
            {
                throw new ArgumentException($"Feature dimension '{d.Path}' has parent {p}; parents must come before children and name a ParentChoice.", parameterName);
            }
        }

        return dimensions;
    }
}
