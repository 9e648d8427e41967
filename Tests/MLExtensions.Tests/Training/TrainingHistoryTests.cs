using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions.Tests.Training;

[TestClass]
public sealed class TrainingHistoryTests
{
    private static readonly EpochRecord[] History =
    [
        new(1, 0.7, 0.69, 1e-3, 2.5, 0.125) { BatchSize = 64, OptimizerSteps = 10, Momentum = 0.95 },
        new(2, 0.5, null, 5e-4, 1.25, 0.25) { BatchSize = 128, OptimizerSteps = 5 },
        new(3, 0.1 + 0.2, 0.4, 1.0 / 3, 0.5, 0.375),
    ];

    [TestMethod]
    public void LoadFromTrainingHistory_ColumnsEqualTheRecords()
    {
        var view = new MLContext(1).Data.LoadFromTrainingHistory(History);
        CollectionAssert.AreEqual(new[] { 1, 2, 3 }, view.GetColumn<int>("Epoch").ToArray());
        CollectionAssert.AreEqual(History.Select(h => h.TrainingLoss).ToArray(), view.GetColumn<double>("TrainingLoss").ToArray());
        CollectionAssert.AreEqual(new[] { 0.69, double.NaN, 0.4 }, view.GetColumn<double>("ValidationLoss").ToArray());
        CollectionAssert.AreEqual(History.Select(h => h.LearningRate).ToArray(), view.GetColumn<double>("LearningRate").ToArray());
        CollectionAssert.AreEqual(History.Select(h => h.GradientNorm).ToArray(), view.GetColumn<double>("GradientNorm").ToArray());
        CollectionAssert.AreEqual(History.Select(h => h.Seconds).ToArray(), view.GetColumn<double>("Seconds").ToArray());
        CollectionAssert.AreEqual(History.Select(h => h.BatchSize).ToArray(), view.GetColumn<int>("BatchSize").ToArray());
        CollectionAssert.AreEqual(History.Select(h => h.OptimizerSteps).ToArray(), view.GetColumn<int>("OptimizerSteps").ToArray());
        CollectionAssert.AreEqual(History.Select(h => h.Momentum ?? double.NaN).ToArray(), view.GetColumn<double>("Momentum").ToArray());
    }

    [TestMethod]
    public void WriteCsv_RoundTripsEveryValue()
    {
        var writer = new StringWriter();
        TrainingHistory.WriteCsv(History, writer);
        var lines = writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.AreEqual(TrainingHistory.EpochCsvHeader, lines[0]);
        Assert.HasCount(4, lines);
        var parsed = lines.Skip(1).Select(l => l.Split(',')).Select(f => new EpochRecord(
            int.Parse(f[0], CultureInfo.InvariantCulture), double.Parse(f[1], CultureInfo.InvariantCulture),
            f[2].Length == 0 ? null : double.Parse(f[2], CultureInfo.InvariantCulture), double.Parse(f[3], CultureInfo.InvariantCulture),
            double.Parse(f[4], CultureInfo.InvariantCulture), double.Parse(f[5], CultureInfo.InvariantCulture))
        {
            BatchSize = int.Parse(f[6], CultureInfo.InvariantCulture), OptimizerSteps = int.Parse(f[7], CultureInfo.InvariantCulture),
            Momentum = f[8].Length == 0 ? null : double.Parse(f[8], CultureInfo.InvariantCulture),
        }).ToArray();
        CollectionAssert.AreEqual(History, parsed);
    }

    [TestMethod]
    public void BoostingSteps_AsDataViewAndCsv()
    {
        var steps = new[]
        {
            new BoostingStep([1.0], [0.0], [1.0], [0.0], 0.3, 0.6, 0.65),
            new BoostingStep([1.0], [0.0], [1.0], [0.0], 0.25, 0.5, null),
        };
        var view = new MLContext(1).Data.LoadFromBoostingSteps(steps);
        CollectionAssert.AreEqual(new[] { 1, 2 }, view.GetColumn<int>("Step").ToArray());
        CollectionAssert.AreEqual(new[] { 0.6, 0.5 }, view.GetColumn<double>("TrainingLoss").ToArray());
        CollectionAssert.AreEqual(new[] { 0.65, double.NaN }, view.GetColumn<double>("ValidationLoss").ToArray());
        CollectionAssert.AreEqual(new[] { 0.3, 0.25 }, view.GetColumn<double>("StepLength").ToArray());
        var writer = new StringWriter();
        TrainingHistory.WriteCsv(steps, writer);
        Assert.AreEqual($"{TrainingHistory.StepCsvHeader}\n1,0.6,0.65,0.3\n2,0.5,,0.25\n", writer.ToString().ReplaceLineEndings("\n"));
    }

    [TestMethod]
    public void SaveAsCsv_WritesTheFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"history-{Guid.NewGuid():N}.csv");
        try
        {
            History.SaveAsCsv(path);
            Assert.AreEqual(TrainingHistory.EpochCsvHeader, File.ReadLines(path).First());
            Assert.AreEqual(4, File.ReadLines(path).Count());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void LoadFromTrainingHistory_NullEntry_ThrowsNamingIt()
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => new MLContext(1).Data.LoadFromTrainingHistory([History[0], null!]));
        Assert.AreEqual("history", ex.ParamName);
        StringAssert.Contains(ex.Message, "index 1");
    }
}
