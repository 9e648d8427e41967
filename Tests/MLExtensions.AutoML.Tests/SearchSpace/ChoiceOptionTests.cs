using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests;

[TestClass]
public sealed class ChoiceOptionTests
{
    [TestMethod]
    public void ChoicesAreSortedAndMappedToFloorOfXTimesN()
    {
        var option = new ChoiceOption("sgd", "adam", "lion");
        CollectionAssert.AreEqual(new object[] { "adam", "lion", "sgd" }, option.Choices);
        Assert.AreEqual("adam", option.SampleFromFeatureSpace([0.0]).AsType<string>());
        Assert.AreEqual("adam", option.SampleFromFeatureSpace([0.333]).AsType<string>());
        Assert.AreEqual("lion", option.SampleFromFeatureSpace([0.334]).AsType<string>());
        Assert.AreEqual("sgd", option.SampleFromFeatureSpace([0.99]).AsType<string>());
        Assert.AreEqual("sgd", option.SampleFromFeatureSpace([1.0]).AsType<string>()); // clipped to n − 1
        Assert.AreEqual(1.0 / 3, option.MappingToFeatureSpace(Parameter.FromString("lion"))[0], 1e-15);
        CollectionAssert.AreEqual(new int?[] { 3 }, option.Step);
    }

    [TestMethod]
    public void EveryChoiceRoundTripsIncludingMany()
    {
        var option = new ChoiceOption(Enumerable.Range(0, 49).Cast<object>().ToArray());
        for (var i = 0; i < 49; i++)
        {
            Assert.AreEqual((long)i, option.SampleFromFeatureSpace(option.MappingToFeatureSpace(Parameter.FromInt(i))).AsType<long>());
        }
    }

    [TestMethod]
    public void DefaultIsFirstSortedUnlessGiven()
    {
        Assert.AreEqual(0.0, new ChoiceOption("b", "a").Default[0]);
        Assert.AreEqual(0.5, new ChoiceOption(["b", "a"], "b").Default[0]);
        Assert.AreEqual(0.5, new ChoiceOption([true, false], true).Default[0]);
    }

    [TestMethod]
    public void SingleChoiceHasNoDimension()
    {
        var option = new ChoiceOption(42);
        Assert.AreEqual(0, option.FeatureSpaceDim);
        Assert.AreEqual(0, option.Default.Length);
        Assert.AreEqual(42L, option.SampleFromFeatureSpace([]).AsType<long>());
        Assert.AreEqual(0, option.MappingToFeatureSpace(Parameter.FromInt(42)).Length);
    }

    [TestMethod]
    public void InvalidChoicesThrow()
    {
        Assert.AreEqual("choices", Assert.ThrowsExactly<ArgumentException>(() => new ChoiceOption()).ParamName);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new ChoiceOption("adam", "sgd", 3)).Message, "one type");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new ChoiceOption("a", "a")).Message, "repeat");
        Assert.AreEqual("defaultChoice", Assert.ThrowsExactly<ArgumentException>(() => new ChoiceOption(["a", "b"], "c")).ParamName);
        Assert.ThrowsExactly<ArgumentException>(() => new ChoiceOption(new object()));
        Assert.ThrowsExactly<ArgumentException>(() => new ChoiceOption("a", "b").MappingToFeatureSpace(Parameter.FromString("z")));
    }

    [TestMethod]
    public void EnumChoicesAreNamed()
    {
        var option = new ChoiceOption(DayOfWeek.Friday, DayOfWeek.Monday);
        var p = option.SampleFromFeatureSpace([0.0]);
        Assert.AreEqual("Monday", p.AsType<string>());
        Assert.AreEqual(DayOfWeek.Monday, p.AsType<DayOfWeek>());
    }
}
