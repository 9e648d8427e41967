namespace MLExtensions.Tests.Training;

/// <summary>The training loop's side of the schedule contract: contexts, call order, per-step norms, momentum in the history, the
/// two-run refined workflow, and batch-size scaling.</summary>
[TestClass]
public sealed class ScheduleLoopTests
{
    [TestMethod]
    public void FixedBatch_ContextsCountOptimizerSteps_AndCallsAlternate()
    {
        var data = LoopTestData.Regression(30);
        var schedule = new RecordingSchedule(new LinearDecaySchedule());
        var options = LoopTestData.Options(epochs: 3, batchSize: 8);
        options.LearningRateSchedule = schedule;
        var history = LoopTestData.Train(options, data);

        Assert.AreEqual(12, schedule.Before.Count, "4 batches (8, 8, 8, 6) per epoch, 3 epochs");
        CollectionAssert.AreEqual(Enumerable.Range(0, 12).SelectMany(_ => new[] { "before", "after" }).ToArray(), schedule.Calls);
        CollectionAssert.AreEqual(schedule.Before, schedule.After);
        Assert.AreEqual(1, schedule.Disposed);
        long samples = 0;
        for (int i = 0; i < 12; i++)
        {
            var c = schedule.Before[i];
            Assert.AreEqual(i, c.Step);
            Assert.AreEqual(i, c.OptimizerStep);
            Assert.AreEqual(12, c.TotalSteps);
            Assert.AreEqual(i / 4 + 1, c.Epoch);
            Assert.AreEqual(samples, c.SamplesSeen);
            Assert.AreEqual(90, c.TotalSamples);
            Assert.AreEqual(i % 4 == 3 ? 6 : 8, c.BatchSize);
            Assert.AreEqual(1.0, c.LearningRateScale);
            samples += c.BatchSize;
        }

        Assert.AreEqual(0, history[^1].LearningRate, "linear decay reaches 0 at the last step");
        Assert.IsTrue(history.All(e => e.OptimizerSteps == 4 && e.BatchSize == 8), "steps and batch size per epoch");
    }

    [TestMethod]
    public void History_RecordsEveryStepsL2AndL1Norm_BeforeClipping()
    {
        var data = LoopTestData.Regression(30);
        var schedule = new RecordingSchedule(new ConstantSchedule());
        var options = LoopTestData.Options(epochs: 2, batchSize: 8);
        options.LearningRateSchedule = schedule;
        var history = LoopTestData.Train(options, data);

        var l2 = history.SelectMany(e => e.StepGradientNorms).ToArray();
        var l1 = history.SelectMany(e => e.StepGradientL1Norms).ToArray();
        Assert.AreEqual(8, l2.Length);
        Assert.AreEqual(8, l1.Length);
        for (int i = 0; i < 8; i++)
        {
            Assert.AreEqual(schedule.Norms[i].L2, l2[i], 1e-5 * schedule.Norms[i].L2, $"l2 of step {i}");
            Assert.AreEqual(schedule.Norms[i].L1, l1[i], 1e-5 * schedule.Norms[i].L1, $"l1 of step {i}");
        }

        foreach (var e in history)
            Assert.AreEqual(e.StepGradientNorms.Average(), e.GradientNorm, 1e-9 * e.GradientNorm, $"epoch {e.Epoch}: mean of the step norms");
    }

    [TestMethod]
    public void Clipping_RecordsTheNormBeforeClipping()
    {
        var data = LoopTestData.Regression(30);
        var schedule = new RecordingSchedule(new ConstantSchedule());
        var options = LoopTestData.Options(epochs: 1, batchSize: 8);
        options.LearningRateSchedule = schedule;
        options.GradientClipNorm = 1e-3;
        var history = LoopTestData.Train(options, data);
        // The controller runs after clipping: it sees norms of at most the clip value, the history the raw ones.
        Assert.IsTrue(schedule.Norms.All(n => n.L2 <= 1e-3 * 1.0001), "the controller sees clipped gradients");
        Assert.IsTrue(history[0].StepGradientNorms.All(n => n > 1e-2), "the history keeps the norms before clipping");
    }

    [TestMethod]
    public void OneCycle_HistoryMomentumFollowsTheCycle_ForAdamW()
    {
        var data = LoopTestData.Regression(32);
        var spec = new OneCycleSchedule();
        var options = LoopTestData.Options(epochs: 4, batchSize: 8);
        options.LearningRateSchedule = spec;
        var history = LoopTestData.Train(options, data);
        var cycling = (IMomentumCycling)spec;
        for (int e = 0; e < 4; e++)
        {
            long last = 4L * e + 3;
            Assert.AreEqual(cycling.MomentumAt(last, 16), history[e].Momentum!.Value, 1e-15, $"epoch {e + 1}");
            Assert.AreEqual(1e-3 * spec.Factor(last, 16), history[e].LearningRate, 1e-15, $"epoch {e + 1}");
        }

        Assert.AreNotEqual(history[0].Momentum, history[1].Momentum);

        options.LearningRateSchedule = spec with { CycleMomentum = false };
        Assert.IsTrue(LoopTestData.Train(options, data).All(e => e.Momentum == 0.9), "AdamW's β1 stays without cycling");
    }

    [TestMethod]
    public void RefinedFromHistory_TwoRunWorkflow()
    {
        var data = LoopTestData.Regression(40);
        var options = LoopTestData.Options(epochs: 3, batchSize: 8);
        options.Optimizer = new SgdSpec(LearningRate: 0.05);
        var first = LoopTestData.Train(options, data);

        var refined = RefinedSchedule.FromHistory(first, options.Optimizer);
        var expected = RefinedSchedule.FromGradientNorms(first.SelectMany(e => e.StepGradientNorms).ToArray(), power: 2);
        CollectionAssert.AreEqual(expected.Factors, refined.Factors);
        Assert.AreEqual(15, refined.Factors.Length, "one factor per step of the first run");
        Assert.AreEqual(0, refined.Factors[^1]);

        var adamLike = RefinedSchedule.FromHistory(first, OptimizerFamily.AdamLike);
        CollectionAssert.AreEqual(RefinedSchedule.FromGradientNorms(first.SelectMany(e => e.StepGradientL1Norms).ToArray(), power: 1).Factors,
                                  adamLike.Factors, "Adam-like: l1 norms, power 1");

        options.LearningRateSchedule = refined;
        var second = LoopTestData.Train(options, data);
        for (int e = 0; e < 3; e++) Assert.AreEqual(0.05 * refined.Factors[5 * e + 4], second[e].LearningRate, 1e-15, $"epoch {e + 1}");
    }

    [TestMethod]
    public void RefinedFromHistory_WithoutStepNorms_Throws()
    {
        var handMade = new[] { new EpochRecord(1, 1, null, 0.1, 1, 0) { OptimizerSteps = 3 } };
        var e = Assert.ThrowsExactly<ArgumentException>(() => RefinedSchedule.FromHistory(handMade, OptimizerFamily.SgdLike));
        StringAssert.Contains(e.Message, "Epoch 1");
    }

    [TestMethod]
    public void BatchSizeScaling_MultipliesTheRates_AndAutoFollowsTheFamily()
    {
        var data = LoopTestData.Regression(40);
        var schedule = new RecordingSchedule(new ConstantSchedule());
        var options = LoopTestData.Options(epochs: 1, batchSize: 16);
        options.LearningRateSchedule = schedule;
        options.Optimizer = new SgdSpec(LearningRate: 0.01);
        options.BatchSizeScaling = BatchSizeScaling.Linear;
        options.ReferenceBatchSize = 8;
        var history = LoopTestData.Train(options, data);
        Assert.IsTrue(schedule.Before.All(c => c.LearningRateScale == 2.0));
        Assert.AreEqual(0.02, history[0].LearningRate, 1e-15);

        options.BatchSizeScaling = BatchSizeScaling.Auto;
        options.Optimizer = new AdamWSpec(LearningRate: 0.01);
        history = LoopTestData.Train(options, data);
        Assert.AreEqual(0.01 * Math.Sqrt(2), history[0].LearningRate, 1e-15, "AdamW is Adam-like: square root");

        options.BatchSizeScaling = BatchSizeScaling.None;
        Assert.AreEqual(0.01, LoopTestData.Train(options, data)[0].LearningRate, "no scaling by default");
    }
}
