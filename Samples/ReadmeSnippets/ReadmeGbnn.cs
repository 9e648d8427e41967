using Microsoft.ML;
using MLExtensions;

namespace ReadmeSnippets;

/// <summary>README.md, "GBNN": the defaults, the best prefix, truncation, staged scores, the reference settings.</summary>
internal static class ReadmeGbnn
{
    public static void Run(MLContext mlContext, IDataView train, float[] features)
    {
        var gbnn = mlContext.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(seed: 1);   // the defaults above
        var model = gbnn.Fit(train);                          // Score, Probability (= sigmoid(2F), clamped), PredictedLabel
        int kept = model.StepsUsed;                           // the best prefix; model.Model.StepsTrained steps were trained
        var smaller = model.Truncate(20);                     // only the first 20 steps: the last-trained units switched off
        double[] f = model.Model.PredictRaw(features, steps: 20);   // the staged score F0 + Σ ρ_t h_t(x), in double precision
        var paper = mlContext.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(
            GradientBoostedNeuralNetworkBinaryTrainer.Options.Reference());   // the authors' settings
        using (model)
        using (smaller)
        {
            Console.WriteLine($"README GBNN: {kept} steps kept of {model.Model.StepsTrained} trained; F(x) after 20 steps = {f[0]:0.0000}; " +
                $"reference preset: {paper.GetType().Name}");
        }
    }
}
