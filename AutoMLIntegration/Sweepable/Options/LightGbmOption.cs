using Microsoft.ML.SearchSpace;

namespace MLExtensions.AutoML;

/// <summary>LightGBM's default search space: Microsoft.ML.AutoML's <c>lgbm_search_space.json</c> (AUTOML-ANCHORS.md
/// §2.7), except that NumberOfLeaves and NumberOfTrees are searched on a log scale: ML.NET's linear [4, 32768] puts
/// the median at 16 386 trees, which is almost surely unintended.</summary>
public sealed class LightGbmOption
{
    /// <summary>Leaves per tree: [4, 32768], log (ML.NET: linear), default 4.</summary>
    [Range(4, 32768, 4, true)]
    public int NumberOfLeaves { get; set; } = 4;

    /// <summary>Minimum examples per leaf: [20, 1024], log, default 20.</summary>
    [Range(20, 1024, 20, true)]
    public int MinimumExampleCountPerLeaf { get; set; } = 20;

    /// <summary>Learning rate: [2e-10, 1], log, default 1.</summary>
    [Range(2e-10, 1.0, 1.0, true)]
    public double LearningRate { get; set; } = 1;

    /// <summary>Trees (boosting iterations): [4, 32768], log (ML.NET: linear), default 4.</summary>
    [Range(4, 32768, 4, true)]
    public int NumberOfTrees { get; set; } = 4;

    /// <summary>Row subsample fraction: [2e-10, 1], log, default 1.</summary>
    [Range(2e-10, 1.0, 1.0, true)]
    public double SubsampleFraction { get; set; } = 1;

    /// <summary>Bins per feature: [8, 1024], log, default 256.</summary>
    [Range(8, 1024, 256, true)]
    public int MaximumBinCountPerFeature { get; set; } = 256;

    /// <summary>Feature fraction per tree: [2e-10, 1], linear, default 1.</summary>
    [Range(2e-10, 1.0, 1.0, false)]
    public double FeatureFraction { get; set; } = 1;

    /// <summary>L1 regularization: [2e-10, 1], log, default 2e-10.</summary>
    [Range(2e-10, 1.0, 2e-10, true)]
    public double L1Regularization { get; set; } = 2e-10;

    /// <summary>L2 regularization: [2e-10, 1], log, default 1.</summary>
    [Range(2e-10, 1.0, 1.0, true)]
    public double L2Regularization { get; set; } = 1;
}
