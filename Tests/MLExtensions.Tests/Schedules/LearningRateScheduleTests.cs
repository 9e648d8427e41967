using System.Text.Json;

namespace MLExtensions.Tests.Schedules;

[TestClass]
public sealed class LearningRateScheduleTests
{
    [TestMethod]
    public void Cosine_EndsAndMidpoint_MatchClosedForm()
    {
        var s = new CosineSchedule(FinalFactor: 0.1);
        Assert.AreEqual(1.0, s.Factor(0, 101), 1e-12);
        Assert.AreEqual(0.55, s.Factor(50, 101), 1e-12);
        Assert.AreEqual(0.1, s.Factor(100, 101), 1e-12);
    }

    [TestMethod]
    public void Linear_DecaysLinearlyToFinalFactor()
    {
        var s = new LinearDecaySchedule(FinalFactor: 0.0);
        Assert.AreEqual(1.0, s.Factor(0, 11), 1e-12);
        Assert.AreEqual(0.7, s.Factor(3, 11), 1e-12);
        Assert.AreEqual(0.0, s.Factor(10, 11), 1e-12);
    }

    [TestMethod]
    public void Warmup_RampsThenHandsOverToInnerScheduleFromItsStart()
    {
        var s = new WarmupSchedule(new CosineSchedule(), WarmupFraction: 0.1);
        Assert.AreEqual(0.1, s.Factor(0, 100), 1e-12);
        Assert.AreEqual(1.0, s.Factor(9, 100), 1e-12);
        Assert.AreEqual(1.0, s.Factor(10, 100), 1e-12); // first step of the cosine part
        Assert.AreEqual(0.0, s.Factor(99, 100), 1e-12);
        for (long step = 1; step < 10; step++) Assert.IsTrue(s.Factor(step, 100) > s.Factor(step - 1, 100));
    }

    [TestMethod]
    public void Constant_IsOneEverywhere() => Assert.AreEqual(1.0, new ConstantSchedule().Factor(57, 100));

    [TestMethod]
    public void Json_RoundTrip_PreservesNestedSpec()
    {
        LearningRateScheduleSpec spec = new WarmupSchedule(new LinearDecaySchedule(0.2), 0.07);
        var back = JsonSerializer.Deserialize<LearningRateScheduleSpec>(JsonSerializer.Serialize(spec));
        Assert.AreEqual(spec, back);
    }

    [TestMethod, DataRow(-0.1), DataRow(1.5), DataRow(double.NaN)]
    public void Validate_FinalFactorOutOfRange_ThrowsNamingIt(double value)
    {
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new CosineSchedule(value).Validate());
        Assert.AreEqual("FinalFactor", ex.ParamName);
    }

    [TestMethod]
    public void Validate_WarmupFractionOne_ThrowsNamingIt()
    {
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new WarmupSchedule(new ConstantSchedule(), 1.0).Validate());
        Assert.AreEqual("WarmupFraction", ex.ParamName);
    }
}
