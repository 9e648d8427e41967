using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions.Tests.Trainers;

/// <summary>
/// The same model on the same rows gives the same bits, whichever managed buffers the rows pass through: MKL's products round
/// differently depending on the address of their operands on some CPUs (AMD EPYC), so the scoring passes read copies in LibTorch's
/// aligned memory instead of the managed block in place. The test failed there before (scores differed in the last bits); on CPUs
/// where MKL's results do not depend on alignment it passes either way.
/// </summary>
[TestClass]
public sealed class RepeatableNumericsTests
{
    [TestMethod]
    public void TheBatchForwardPass_GivesTheSameBitsWhereverTheManagedBlockLies()
    {
        var ml = new MLContext(1);
        var rows = SyntheticData.Binary(120, 3);
        using var model = ml.BinaryClassification.Trainers.NeuralNetwork(new NeuralNetworkBinaryTrainer.Options
        {
            HiddenLayerSizes = [6], Epochs = 1, Seed = 1, NumberOfThreads = 1,
        }).Fit(ml.Data.LoadFromEnumerable(rows));
        var block = rows.SelectMany(r => r.Features).ToArray();

        // Pinned copies of the block whose first element sits at different offsets from a 64-byte boundary.
        var byResidue = new Dictionary<long, float[]>();
        for (int attempt = 0; attempt < 400 && byResidue.Count < 4; attempt++)
        {
            var copy = GC.AllocateUninitializedArray<float>(block.Length + attempt % 7, pinned: true);
            block.CopyTo(copy, 0);
            byResidue.TryAdd(System.Runtime.InteropServices.Marshal.UnsafeAddrOfPinnedArrayElement(copy, 0) % 64, copy);
        }

        Assert.IsGreaterThanOrEqualTo(2, byResidue.Count, "the test needs blocks at two alignments");
        float[]? reference = null;
        foreach (var (residue, copy) in byResidue)
        {
            var outputs = new float[rows.Count];
            model.ForwardBatch(copy, rows.Count, outputs);
            if (reference is null) reference = outputs;
            else CollectionAssert.AreEqual(reference, outputs, $"block at offset {residue} mod 64");
        }
    }
}
