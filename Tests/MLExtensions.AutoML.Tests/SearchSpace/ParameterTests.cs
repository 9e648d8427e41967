using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests;

[TestClass]
public sealed class ParameterTests
{
    [TestMethod]
    public void EveryKindRoundTripsThroughJsonKeepingItsKind()
    {
        var all = Parameter.CreateNestedParameter(
            new("i", Parameter.FromInt(-7)),
            new("big", Parameter.FromInt(long.MaxValue)),
            new("one", Parameter.FromDouble(1.0)),
            new("negZero", Parameter.FromDouble(-0.0)),
            new("third", Parameter.FromDouble(1.0 / 3)),
            new("tiny", Parameter.FromDouble(5e-324)),
            new("huge", Parameter.FromDouble(1e300)),
            new("f", Parameter.FromFloat(0.1f)),
            new("s", Parameter.FromString("adam \"w\" ü")),
            new("t", Parameter.FromBool(true)),
            new("a", Parameter.FromArray([Parameter.FromInt(1), Parameter.FromDouble(2), Parameter.FromString("x")])),
            new("o", Parameter.CreateNestedParameter(KeyValuePair.Create("Kind", Parameter.FromString("sgd")))),
            new("empty", Parameter.CreateNestedParameter()));
        var json = all.ToJson();
        var back = Parameter.FromJson(json);
        Assert.AreEqual(json, back.ToJson());
        Assert.AreEqual(all, back);
        foreach (var key in all.Keys)
        {
            Assert.AreEqual(all[key].ParameterType, back[key].ParameterType, key);
        }

        Assert.AreEqual(BitConverter.DoubleToInt64Bits(1.0 / 3), BitConverter.DoubleToInt64Bits(back["third"].AsType<double>()));
        Assert.AreEqual(BitConverter.DoubleToInt64Bits(-0.0), BitConverter.DoubleToInt64Bits(back["negZero"].AsType<double>()));
        Assert.AreEqual(5e-324, back["tiny"].AsType<double>());
        Assert.AreEqual(0.1f, back["f"].AsType<float>());
        Assert.AreEqual(long.MaxValue, back["big"].AsType<long>());
    }

    [TestMethod]
    public void AnIntegralNumberStaysANumber()
    {
        Assert.AreEqual("1.0", Parameter.FromDouble(1.0).ToJson());
        Assert.AreEqual("1", Parameter.FromInt(1).ToJson());
        Assert.AreEqual(ParameterType.Number, Parameter.FromJson("1.0").ParameterType);
        Assert.AreEqual(ParameterType.Number, Parameter.FromJson("1e3").ParameterType);
        Assert.AreEqual(ParameterType.Integer, Parameter.FromJson("1").ParameterType);
        Assert.AreNotEqual(Parameter.FromInt(1), Parameter.FromDouble(1));
        Assert.AreEqual(1, Parameter.FromDouble(1.0).AsType<int>());
        Assert.AreEqual(3.0, Parameter.FromInt(3).AsType<double>());
    }

    [TestMethod]
    public void NonFiniteNumbersAndNullsAreRejected()
    {
        Assert.ThrowsExactly<ArgumentException>(() => Parameter.FromDouble(double.NaN));
        Assert.ThrowsExactly<ArgumentException>(() => Parameter.FromFloat(float.PositiveInfinity));
        Assert.ThrowsExactly<ArgumentException>(() => Parameter.FromJson("null"));
        Assert.ThrowsExactly<ArgumentException>(() => Parameter.FromJson("{\"a\":"));
        Assert.ThrowsExactly<ArgumentException>(() => Parameter.FromJson("1e999"));
        Assert.AreEqual(ParameterType.String, Parameter.FromJson("\"NaN\"").ParameterType);
    }

    public sealed class WithFields
    {
#pragma warning disable CA1051 // a public field on purpose: ML.NET options classes use them
        public int Trees = 3;
#pragma warning restore CA1051

        public double Rate { get; set; } = 0.5;

        public DayOfWeek Day { get; set; } = DayOfWeek.Sunday;
    }

    [TestMethod]
    public void ObjectsConvertBothWaysIncludingPublicFields()
    {
        var p = Parameter.FromObject(new WithFields { Trees = 9, Rate = 0.25 });
        Assert.AreEqual(9L, p["Trees"].AsType<long>());
        var parsed = Parameter.FromJson("""{"Trees":12,"Rate":0.125,"Day":"Friday"}""").AsType<WithFields>();
        Assert.AreEqual(12, parsed.Trees);
        Assert.AreEqual(0.125, parsed.Rate);
        Assert.AreEqual(DayOfWeek.Friday, parsed.Day);
        Assert.ThrowsExactly<InvalidOperationException>(() => Parameter.FromString("x").AsType<int>());
    }
}
