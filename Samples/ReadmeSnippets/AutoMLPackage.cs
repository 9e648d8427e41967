using Microsoft.ML;
using MLExtensions;
using MLExtensions.AutoML;

namespace ReadmeSnippets;

/// <summary>AutoMLIntegration/PACKAGE.md: a one-of over model families, TPE and Hyperband (compiled; CI does not run its 40 trials).</summary>
internal static class AutoMLPackage
{
    public static async Task Run(IDataView train, IDataView validation)
    {
        var ml = new MLContext(seed: 1);
        var catalog = ml.AutoML();                                   // not mlContext.Auto(): both can be imported together
        var pipeline = catalog.CreateSweepablePipeline()
            .Append(catalog.NeuralNetworkBinary(seed: 1), catalog.LightGbmBinary());   // a one-of over model families
        var result = await catalog.CreateExperiment()
            .SetPipeline(pipeline)
            .SetDataset(train, validation)
            .SetBinaryClassificationMetric(BinaryClassificationMetric.AreaUnderRocCurve)
            .SetTpeTuner()
            .SetPruner(new HyperbandPruner())
            .SetMaxTrials(40)
            .RunAsync();
        Console.WriteLine(result.ToLeaderboard());
    }
}
