using System.Runtime.CompilerServices;
using Microsoft.ML;

namespace MLExtensions.Tests.Trainers;

/// <summary>A fitted neural transformer keeps no reference to the data it was trained on (issue #9, layering).</summary>
[TestClass]
public sealed class NeuralNetworkRetentionTests
{
    [TestMethod]
    public void Fit_MulticlassTrainingDataView_IsCollectedWhileTheTransformerLives()
    {
        var ml = new MLContext(1);
        var (model, trainingData) = FitAndForget(ml);
        using (model)
        {
            for (int i = 0; i < 2; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }

            GC.Collect();

            Assert.IsFalse(trainingData.IsAlive, "the transformer (or something it holds) keeps the training IDataView alive");
            // The predicted key still carries the label's key values (kept as a copy).
            var scored = model.Transform(SyntheticData.MulticlassView(ml, 5, 3));
            Assert.IsNotNull(scored.Schema["PredictedLabel"].Annotations.Schema.GetColumnOrNull("KeyValues"));
            Assert.AreEqual(5, scored.Preview().RowView.Length);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (NeuralNetworkPredictionTransformer Model, WeakReference TrainingData) FitAndForget(MLContext ml)
    {
        var data = SyntheticData.MulticlassView(ml, 60, 7);
        var model = ml.MulticlassClassification.Trainers.NeuralNetwork(
            new NeuralNetworkMulticlassTrainer.Options { HiddenLayerSizes = [4], Epochs = 2, Seed = 1 }).Fit(data);
        return (model, new WeakReference(data));
    }
}
