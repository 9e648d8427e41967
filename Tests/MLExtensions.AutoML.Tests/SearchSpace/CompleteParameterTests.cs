using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests;

/// <summary>A hand-written partial parameter completed with the space's defaults and checked against it.</summary>
[TestClass]
public sealed class CompleteParameterTests
{
    internal static SearchSpace Space() => new(
        new KeyValuePair<string, OptionBase>("x", new UniformDoubleOption(0, 1, defaultValue: 0.25)),
        new KeyValuePair<string, OptionBase>("model", new OneOfOption(
            new KeyValuePair<string, SearchSpace>("a", new SearchSpace(new KeyValuePair<string, OptionBase>("depth", new UniformIntOption(1, 10, defaultValue: 3)))),
            new KeyValuePair<string, SearchSpace>("b", new SearchSpace(
                new KeyValuePair<string, OptionBase>("rate", new UniformDoubleOption(0.1, 1, defaultValue: 0.2)),
                new KeyValuePair<string, OptionBase>("act", new ChoiceOption("relu", "gelu")))))));

    private static Parameter P(string json) => Parameter.FromJson(json);

    [TestMethod]
    public void AnEmptyParameterIsTheDefaultPoint()
    {
        var space = Space();
        Assert.AreEqual(space.SampleFromFeatureSpace(space.Default), space.CompleteParameter(P("{}")));
    }

    [TestMethod]
    public void GivenValuesAreKeptAndTheRestTakeTheDefaults()
    {
        var space = Space();
        var top = space.CompleteParameter(P("""{"x": 0.9}"""));
        Assert.AreEqual(0.9, top["x"].AsType<double>());
        Assert.AreEqual("a", top["model"]["Kind"].AsType<string>());
        Assert.AreEqual(3, top["model"]["depth"].AsType<int>());

        // A one-of takes the branch its Kind names, with that branch's defaults for what is left out.
        var b = space.CompleteParameter(P("""{"model": {"Kind": "b", "rate": 0.5}}"""));
        Assert.AreEqual(0.25, b["x"].AsType<double>());
        Assert.AreEqual("b", b["model"]["Kind"].AsType<string>());
        Assert.AreEqual(0.5, b["model"]["rate"].AsType<double>());
        Assert.IsTrue(b["model"].ContainsKey("act"));
        Assert.IsFalse(b["model"].ContainsKey("depth"), "the other branch's keys stay out");

        // Without Kind, the values belong to the default branch.
        Assert.AreEqual(7, space.CompleteParameter(P("""{"model": {"depth": 7}}"""))["model"]["depth"].AsType<int>());

        // A complete parameter is its own completion.
        Assert.AreEqual(b, space.CompleteParameter(b));
    }

    [TestMethod]
    public void AKeyOutsideTheSpaceOrAValueOutsideItsOptionIsNamed()
    {
        var space = Space();
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => space.CompleteParameter(P("""{"y": 1}"""))).Message,
            "'y' is not an option of the search space; its options are: model, x");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => space.CompleteParameter(P("""{"model": {"Kind": "b", "depth": 2}}"""))).Message,
            "'model[b].depth' is not an option");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => space.CompleteParameter(P("""{"model": {"Kind": "c"}}"""))).Message,
            "'model.Kind' is \"c\", which is not one of the branches (a, b)");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => space.CompleteParameter(P("""{"model": "a"}"""))).Message,
            "'model' is a one-of (a, b)");
        var outside = Assert.ThrowsExactly<ArgumentException>(() => space.CompleteParameter(P("""{"x": 2}""")));
        StringAssert.Contains(outside.Message, "Option 'x'");
        StringAssert.Contains(outside.Message, "outside the range");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => space.CompleteParameter(P("""{"model": {"Kind": "b", "act": "tanh"}}"""))).Message,
            "not one of the choices");
    }

    [TestMethod]
    public void AnOptionsClassSpaceAcceptsItsFixedMembersOnlyAtTheirValue()
    {
        var space = new SearchSpace<AttributeSearchSpaceTests.TrainerOptions>();
        var p = space.CompleteParameter(P("""{"LearningRate": 0.01, "NotSearched": 77}"""));
        Assert.AreEqual(0.01, p["LearningRate"].AsType<double>());
        Assert.AreEqual(77, p.AsType<AttributeSearchSpaceTests.TrainerOptions>().NotSearched, "members the space does not search keep their value");
        Assert.AreEqual(32, p["BatchSize"].AsType<int>());
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => space.CompleteParameter(P("""{"NotSearched": 5}"""))).Message,
            "'NotSearched' is not searched: the space fixes it at 77");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => space.CompleteParameter(P("""{"Layer": {"Nope": 1}}"""))).Message,
            "'Layer.Nope' is not an option");

        // With a default options object, its values are the fixed ones.
        var withDefault = new SearchSpace<AttributeSearchSpaceTests.TrainerOptions>(new AttributeSearchSpaceTests.TrainerOptions { NotSearched = 5 });
        Assert.AreEqual(5, withDefault.CompleteParameter(P("""{"NotSearched": 5}"""))["NotSearched"].AsType<int>());
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => withDefault.CompleteParameter(P("""{"NotSearched": 77}"""))).Message,
            "fixes it at 5");
    }
}
