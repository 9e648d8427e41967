using MLExtensions;

namespace ReadmeSnippets;

/// <summary>Extensions/MLExtensions.Plotting/PACKAGE.md: the training curves and the learning rate of a fitted network.</summary>
internal static class PlottingPackage
{
    public static void Run(Microsoft.ML.Data.TransformerChain<NeuralNetworkPredictionTransformer> model)
    {
        var history = model.LastTransformer.Model.History;
        TrainingCharts.TrainingCurves(history, model.LastTransformer.Model.BestEpoch).SavePng("training-curves.png", 800, 500);
        File.WriteAllText("learning-rate.svg", TrainingCharts.LearningRateCurve(history).GetSvgXml(720, 400));   // a notebook: display(HTML(svg))
        Console.WriteLine($"Plotting package: wrote {Path.GetFullPath("training-curves.png")}");
    }
}
