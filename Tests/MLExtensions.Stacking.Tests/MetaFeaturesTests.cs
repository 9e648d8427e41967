namespace MLExtensions.Stacking.Tests;

[TestClass]
public sealed class MetaFeaturesTests
{
    [TestMethod]
    public void Compute_EvenCount_MatchesHandComputation()
    {
        Span<double> stats = stackalloc double[MetaFeatures.Count];
        MetaFeatures.Compute([7.0, 1.0, 4.0, 2.0], stats);

        double std = Math.Sqrt((2.5 * 2.5 + 1.5 * 1.5 + 0.5 * 0.5 + 3.5 * 3.5) / 4); // population (ddof 0)
        double[] expected = [3.5, std, 3.0, 6.0, 3.5 * std, 6.0 * std];
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.AreEqual(expected[i], stats[i], 1e-12, MetaFeatures.Names[i]);
        }
    }

    [TestMethod]
    public void Compute_OddCount_MedianIsMiddleValue()
    {
        Span<double> stats = stackalloc double[MetaFeatures.Count];
        MetaFeatures.Compute([5.0, -1.0, 2.0], stats);

        Assert.AreEqual(2.0, stats[2], 0.0);
        Assert.AreEqual(6.0, stats[3], 0.0);
    }

    [TestMethod]
    public void Augment_Matrix_AppendsSixColumnsAfterThePredictions()
    {
        var p = new PredictionMatrix(["a", "b"], [[1.0, 2.0], [3.0, 6.0]]);

        var columns = MetaFeatures.Augment(p);

        Assert.HasCount(8, columns);
        Assert.AreEqual(2.0, columns[2][0], 1e-12); // mean of (1, 3)
        Assert.AreEqual(2.0, columns[3][1], 1e-12); // std of (2, 6)
        Assert.AreEqual(4.0, columns[5][1], 1e-12); // range of (2, 6)
    }
}
