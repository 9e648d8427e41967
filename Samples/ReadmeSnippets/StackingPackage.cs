using Microsoft.ML;
using MLExtensions;

namespace ReadmeSnippets;

/// <summary>Stacking/PACKAGE.md: a regression stacking ensemble of FastTree and SDCA.</summary>
internal static class StackingPackage
{
    public static void Run(IDataView train)
    {
        var ml = new MLContext(seed: 1);
        var stack = ml.Regression.Trainers.StackingEnsemble(
            [ml.Regression.Trainers.FastTree(), ml.Regression.Trainers.Sdca()]);
        var model = stack.Fit(train);
        var metrics = ml.Regression.Evaluate(model.Transform(train));
        Console.WriteLine($"Stacking package: training R² {metrics.RSquared:0.000}");
    }
}
