using System.Runtime.CompilerServices;
using Microsoft.ML;
using MLExtensions.Tests.Trainers;

namespace MLExtensions.Tests.Boosting;

/// <summary>A fitted GBNN transformer keeps no reference to the data it was trained on (issue #9, layering).</summary>
[TestClass]
public sealed class GbnnRetentionTests
{
    public static IEnumerable<object[]> Tasks => Enum.GetValues<PredictionTask>().Select(t => new object[] { t });

    [TestMethod]
    [DynamicData(nameof(Tasks))]
    public void Fit_TrainingDataView_IsCollectedWhileTheTransformerLives(PredictionTask task)
    {
        var ml = new MLContext(1);
        var (model, trainingData) = FitAndForget(ml, task);
        using (model)
        {
            Collect();

            Assert.IsFalse(trainingData.IsAlive, "the transformer (or something it holds) keeps the training IDataView alive");
            // The transformer still scores (and Truncate, which rebuilt its scorer from the training view, still works).
            using var truncated = model.Truncate(1);
            var scored = truncated.Transform(Data(ml, task, 5, 3));
            Assert.AreEqual(5, scored.Preview().RowView.Length);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (GradientBoostedNeuralNetworkPredictionTransformer Model, WeakReference TrainingData) FitAndForget(MLContext ml, PredictionTask task)
    {
        var data = Data(ml, task, 60, 7);
        var model = Trainer(ml, task).Fit(data);
        return (model, new WeakReference(data));
    }

    private static void Collect()
    {
        for (int i = 0; i < 2; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        GC.Collect();
    }

    private static IDataView Data(MLContext ml, PredictionTask task, int rows, int seed) => task switch
    {
        PredictionTask.BinaryClassification => ml.Data.LoadFromEnumerable(SyntheticData.Binary(rows, seed)),
        PredictionTask.Regression => ml.Data.LoadFromEnumerable(SyntheticData.Regression(rows, seed)),
        _ => SyntheticData.MulticlassView(ml, rows, seed),
    };

    private static IEstimator<GradientBoostedNeuralNetworkPredictionTransformer> Trainer(MLContext ml, PredictionTask task)
    {
        const int units = 4, iterations = 5;
        return task switch
        {
            PredictionTask.BinaryClassification => ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(
                new GradientBoostedNeuralNetworkBinaryTrainer.Options { TotalHiddenUnits = units, MaxIterations = iterations, Seed = 1 }),
            PredictionTask.Regression => ml.Regression.Trainers.GradientBoostedNeuralNetwork(
                new GradientBoostedNeuralNetworkRegressionTrainer.Options { TotalHiddenUnits = units, MaxIterations = iterations, Seed = 1 }),
            _ => ml.MulticlassClassification.Trainers.GradientBoostedNeuralNetwork(
                new GradientBoostedNeuralNetworkMulticlassTrainer.Options { TotalHiddenUnits = units, MaxIterations = iterations, Seed = 1 }),
        };
    }
}
