using Microsoft.ML.SearchSpace;

namespace MLExtensions.AutoML;

/// <summary>FastTree's default search space: the ranges and defaults of Microsoft.ML.AutoML's
/// <c>fast_tree_search_space.json</c> (AUTOML-ANCHORS.md §2.7; the defaults are FLAML's low-cost start).</summary>
public sealed class FastTreeOption
{
    /// <summary>Leaves per tree: [4, 32768], log, default 4.</summary>
    [Range(4, 32768, 4, true)]
    public int NumberOfLeaves { get; set; } = 4;

    /// <summary>Minimum examples per leaf: [2, 128], log, default 20.</summary>
    [Range(2, 128, 20, true)]
    public int MinimumExampleCountPerLeaf { get; set; } = 20;

    /// <summary>Trees: [4, 32768], log, default 4.</summary>
    [Range(4, 32768, 4, true)]
    public int NumberOfTrees { get; set; } = 4;

    /// <summary>Bins per feature: [8, 1024], log, default 256.</summary>
    [Range(8, 1024, 256, true)]
    public int MaximumBinCountPerFeature { get; set; } = 256;

    /// <summary>Feature fraction per tree: [2e-10, 1], linear, default 1.</summary>
    [Range(2e-10, 1.0, 1.0, false)]
    public double FeatureFraction { get; set; } = 1;

    /// <summary>Learning rate: [2e-10, 1], log, default 0.1.</summary>
    [Range(2e-10, 1.0, 0.1, true)]
    public double LearningRate { get; set; } = 0.1;
}
