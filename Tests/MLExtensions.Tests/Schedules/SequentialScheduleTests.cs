using System.Text.Json;
using TorchSharp;

namespace MLExtensions.Tests.Schedules;

/// <summary>
/// <see cref="SequentialSchedule"/> beyond the PyTorch golden (TorchSchedulerGoldenTests): parts that span their own length,
/// nesting, plain TorchSharp use and the refused inputs.
/// </summary>
[TestClass]
public sealed class SequentialScheduleTests
{
    [TestMethod]
    public void APartWithoutItsOwnLengthSpansItsPart()
    {
        // Warm up over 10 steps, then a cosine over the remaining 90 that ends at its FinalFactor on the run's last step.
        var s = new SequentialSchedule([new LinearSchedule(0.1, 1, 10), new CosineSchedule(FinalFactor: 0.05)], [10]);
        Assert.AreEqual(0.1, s.Factor(0, 100), 1e-15);
        Assert.AreEqual(0.91, s.Factor(9, 100), 1e-15);
        Assert.AreEqual(1.0, s.Factor(10, 100), 1e-15);
        Assert.AreEqual(new CosineSchedule(0.05).Factor(45, 90), s.Factor(55, 100), 1e-15);
        Assert.AreEqual(0.05, s.Factor(99, 100), 1e-15);
        // A run shorter than the milestone never reaches the second part.
        Assert.AreEqual(new LinearSchedule(0.1, 1, 10).Factor(7, 8), s.Factor(7, 8), 1e-15);
    }

    [TestMethod]
    public void ANestedSequentialIsTheSameAsTheFlatOne()
    {
        LearningRateScheduleSpec a = new ConstantWarmupSchedule(0.2, 4), b = new StepSchedule(3, 0.5), c = new CosineSchedule();
        var flat = new SequentialSchedule([a, b, c], [4, 20]);
        var nested = new SequentialSchedule([new SequentialSchedule([a, b], [4]), c], [20]);
        nested.Validate();
        for (long t = 0; t < 50; t++) Assert.AreEqual(flat.Factor(t, 50), nested.Factor(t, 50), 1e-15, $"step {t}");
        var back = (SequentialSchedule)JsonSerializer.Deserialize<LearningRateScheduleSpec>(JsonSerializer.Serialize<LearningRateScheduleSpec>(nested))!;
        Assert.IsInstanceOfType<SequentialSchedule>(back.Schedules[0]);
        for (long t = 0; t < 50; t++) Assert.AreEqual(nested.Factor(t, 50), back.Factor(t, 50), $"after JSON, step {t}");
    }

    [TestMethod]
    public void InAPlainTorchSharpLoopOursAndTorchSharpsOptimizersFollowTheParts()
    {
        using var w = torch.nn.Parameter(torch.zeros(3));
        using var v = torch.nn.Parameter(torch.zeros(2));
        using var ours = new AdamSpec(LearningRate: 0.01).Create([w]);
        using var theirs = torch.optim.SGD([v], 0.1);
        var schedule = new SequentialSchedule([new ConstantWarmupSchedule(0.5, 2), new ExponentialSchedule(0.9)], [2]);
        using var a = schedule.CreateController(ours);
        using var b = schedule.CreateController(theirs);
        for (long t = 0; t < 6; t++)
        {
            var context = new TrainingStepContext(t, 6, t, 1, t, 6, 1);
            a.BeforeStep(context);
            b.BeforeStep(context);
            double factor = t < 2 ? 0.5 : Math.Pow(0.9, t - 2);
            Assert.AreEqual(0.01 * factor, ours.ParamGroups.Single().LearningRate, 1e-15, $"step {t}");
            Assert.AreEqual(0.1 * factor, theirs.ParamGroups.Single().LearningRate, 1e-15, $"step {t}");
        }
    }

    [TestMethod]
    public void BadPartsAndMilestonesAreRefusedNamingTheMember()
    {
        LearningRateScheduleSpec cosine = new CosineSchedule();
        (SequentialSchedule Spec, string Member, string Says)[] bad =
        [
            (new SequentialSchedule([cosine], []), "Schedules", "at least two"),
            (new SequentialSchedule(null!, [3]), "Schedules", "at least two"),
            (new SequentialSchedule([cosine, cosine], []), "Milestones", "1 for 2"),
            (new SequentialSchedule([cosine, cosine, cosine], [5]), "Milestones", "2 for 3"),
            (new SequentialSchedule([cosine, cosine], [0]), "Milestones", "at least 1"),
            (new SequentialSchedule([cosine, cosine, cosine], [5, 5]), "Milestones", "Milestones[1] is 5"),
            (new SequentialSchedule([cosine, cosine, cosine], [9, 5]), "Milestones", "strictly increasing"),
            (new SequentialSchedule([cosine, null!], [5]), "Schedules", "Schedules[1] is null"),
            (new SequentialSchedule([cosine, new ReduceOnPlateauSchedule()], [5]), "Schedules[1]", "feedback"),
            (new SequentialSchedule([new OneCycleSchedule(), cosine], [5]), "Schedules[0]", "CycleMomentum: false"),
            (new SequentialSchedule([cosine, new CosineSchedule(FinalFactor: 2)], [5]), "FinalFactor", "[0, 1]"),
        ];
        foreach (var (spec, member, says) in bad)
        {
            var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(spec.Validate, member);
            Assert.AreEqual(member, e.ParamName, e.Message);
            StringAssert.Contains(e.Message, says);
        }

        new SequentialSchedule([new OneCycleSchedule(CycleMomentum: false), cosine], [5]).Validate();
        Assert.AreEqual("StartFactor", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ConstantWarmupSchedule(0).Validate()).ParamName);
        Assert.AreEqual("Steps", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ConstantWarmupSchedule(0.5, 0).Validate()).ParamName);
    }

    [TestMethod]
    public void AFeedbackScheduleTakesTheSequenceAsItsBase()
    {
        var warmup = new SequentialSchedule([new ConstantWarmupSchedule(0.1, 5), new ConstantSchedule()], [5]);
        new ReduceOnPlateauSchedule(Base: warmup).Validate();
    }
}
