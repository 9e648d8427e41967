using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests;

[TestClass]
public sealed class NumericOptionTests
{
    [TestMethod]
    public void LinearDoubleMapsByMlNetFormulaBothWays()
    {
        var option = new UniformDoubleOption(-2, 6);
        foreach (var x in new[] { 0.0, 0.125, 0.5, 0.9, 1.0 })
        {
            var value = option.SampleFromFeatureSpace([x]).AsType<double>();
            Assert.AreEqual(-2 + (8 * x), value, 1e-12);
            Assert.AreEqual(x, option.MappingToFeatureSpace(Parameter.FromDouble(value))[0], 1e-12);
        }
    }

    [TestMethod]
    public void LogDoubleMapsByMlNetFormulaBothWays()
    {
        var option = new UniformDoubleOption(1e-5, 1e-1, logBase: true);
        foreach (var x in new[] { 0.0, 0.25, 0.5, 0.75, 1.0 })
        {
            var value = option.SampleFromFeatureSpace([x]).AsType<double>();
            Assert.AreEqual(1e-5 * Math.Pow(1e4, x), value, 1e-15 + (1e-12 * value));
            Assert.AreEqual(x, option.MappingToFeatureSpace(Parameter.FromDouble(value))[0], 1e-12);
        }

        Assert.AreEqual(1e-3, option.SampleFromFeatureSpace([0.5]).AsType<double>(), 1e-15);
    }

    [TestMethod]
    public void LogUniformSamplesHaveTheGeometricMeanAsMedianAndStayInBounds()
    {
        var option = new UniformDoubleOption(1e-4, 1, logBase: true);
        var random = new Random(7);
        var samples = Enumerable.Range(0, 4001).Select(_ => option.SampleFromFeatureSpace([random.NextDouble()]).AsType<double>()).Order().ToArray();
        Assert.IsTrue(samples.All(v => v >= 1e-4 && v <= 1));
        var median = samples[samples.Length / 2];
        Assert.AreEqual(Math.Log(1e-2), Math.Log(median), 0.15, $"median {median}");

        // A linear range over the same bounds has its median near the arithmetic mean instead.
        var linear = new UniformDoubleOption(1e-4, 1);
        var linearSamples = Enumerable.Range(0, 4001).Select(_ => linear.SampleFromFeatureSpace([random.NextDouble()]).AsType<double>()).Order().ToArray();
        Assert.AreEqual(0.5, linearSamples[linearSamples.Length / 2], 0.05);
    }

    [TestMethod]
    public void IntFloorsAndReachesMaxOnlyAtOne()
    {
        var option = new UniformIntOption(2, 5);
        Assert.AreEqual(2L, option.SampleFromFeatureSpace([0.0]).AsType<long>());
        Assert.AreEqual(2L, option.SampleFromFeatureSpace([0.33]).AsType<long>()); // 2 + 3·0.33 = 2.99
        Assert.AreEqual(3L, option.SampleFromFeatureSpace([1.0 / 3]).AsType<long>());
        Assert.AreEqual(4L, option.SampleFromFeatureSpace([0.9999]).AsType<long>());
        Assert.AreEqual(5L, option.SampleFromFeatureSpace([1.0]).AsType<long>());
        Assert.AreEqual(ParameterType.Integer, option.SampleFromFeatureSpace([0.5]).ParameterType);
        for (var v = 2; v <= 5; v++)
        {
            var x = option.MappingToFeatureSpace(Parameter.FromInt(v));
            Assert.AreEqual((v - 2) / 3.0, x[0], 1e-12);
            Assert.AreEqual((long)v, option.SampleFromFeatureSpace(x).AsType<long>());
        }
    }

    [TestMethod]
    public void LogIntRoundTripsEveryValue()
    {
        var option = new UniformIntOption(4, 32768, logBase: true, defaultValue: 4);
        Assert.AreEqual(0.0, option.Default[0]);
        foreach (var v in new[] { 4, 5, 17, 256, 1000, 32767, 32768 })
        {
            Assert.AreEqual((long)v, option.SampleFromFeatureSpace(option.MappingToFeatureSpace(Parameter.FromInt(v))).AsType<long>(), $"value {v}");
        }
    }

    [TestMethod]
    public void SingleGivesFloatValues()
    {
        var option = new UniformSingleOption(0.1f, 0.9f, defaultValue: 0.5f);
        var p = option.SampleFromFeatureSpace([0.3]);
        Assert.AreEqual(ParameterType.Number, p.ParameterType);
        Assert.AreEqual((float)(0.1f + (0.8f * 0.3)), p.AsType<float>(), 1e-6f);
        Assert.AreEqual((0.5f - 0.1f) / (0.9f - 0.1f), option.Default[0], 1e-6);
    }

    [TestMethod]
    public void DefaultIsMinimumUnlessGiven()
    {
        Assert.AreEqual(0.0, new UniformDoubleOption(3, 9).Default[0]);
        Assert.AreEqual(0.5, new UniformDoubleOption(3, 9, defaultValue: 6).Default[0], 1e-12);
        Assert.AreEqual(0.5, new UniformDoubleOption(1, 100, logBase: true, defaultValue: 10).Default[0], 1e-12);
        Assert.AreEqual(1, new UniformIntOption(0, 10).FeatureSpaceDim);
        CollectionAssert.AreEqual(new int?[] { null }, new UniformIntOption(0, 10).Step);
    }

    [TestMethod]
    public void InvalidRangesThrowNamingTheArgument()
    {
        Assert.AreEqual("max", Assert.ThrowsExactly<ArgumentException>(() => new UniformIntOption(10, 1)).ParamName);
        Assert.AreEqual("max", Assert.ThrowsExactly<ArgumentException>(() => new UniformDoubleOption(1, 1)).ParamName);
        Assert.AreEqual("min", Assert.ThrowsExactly<ArgumentException>(() => new UniformDoubleOption(0, 1, logBase: true)).ParamName);
        Assert.AreEqual("min", Assert.ThrowsExactly<ArgumentException>(() => new UniformSingleOption(float.NaN, 1)).ParamName);
        Assert.AreEqual("defaultValue", Assert.ThrowsExactly<ArgumentException>(() => new UniformIntOption(1, 10, defaultValue: 11)).ParamName);
        Assert.AreEqual("defaultValue", Assert.ThrowsExactly<ArgumentException>(() => new UniformDoubleOption(1, 10, true, 0.5)).ParamName);
    }

    [TestMethod]
    public void OutOfUnitPointsAndOutOfRangeValuesThrow()
    {
        var option = new UniformDoubleOption(0, 1);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => option.SampleFromFeatureSpace([1.5]));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => option.SampleFromFeatureSpace([double.NaN]));
        Assert.ThrowsExactly<ArgumentException>(() => option.SampleFromFeatureSpace([0.1, 0.2]));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => option.MappingToFeatureSpace(Parameter.FromDouble(2)));
        Assert.ThrowsExactly<ArgumentException>(() => option.MappingToFeatureSpace(Parameter.FromString("0.5")));
    }
}
