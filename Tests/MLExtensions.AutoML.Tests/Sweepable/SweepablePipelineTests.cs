using Microsoft.ML;
using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests;

[TestClass]
public sealed class SweepablePipelineTests
{
    private static SweepableEstimator Named(string name, SearchSpace? ss, double cost = 1) =>
        new((ctx, _) => ctx.Transforms.CopyColumns(name + "Out", "Features"), ss, name, cost);

    private static SweepablePipeline ThreeStages() => new MLContext(1).AutoML().CreateSweepablePipeline()
        .Append(Named("A", null))
        .Append(Named("B", new SearchSpace { ["b"] = new UniformIntOption(1, 9) }, 2), Named("C", new SearchSpace { ["c"] = new ChoiceOption("x", "y") }, 5))
        .Append(Named("D", new SearchSpace { ["d"] = new UniformDoubleOption(0, 1) }));

    [TestMethod]
    public void IdsAndSchemasFollowMlNet()
    {
        var pipeline = ThreeStages();
        CollectionAssert.AreEqual(new[] { "e0", "e1", "e2", "e3" }, pipeline.Estimators.Keys.ToArray());
        CollectionAssert.AreEqual(new[] { "e0 * e1 * e3", "e0 * e2 * e3" }, pipeline.Schemas.ToArray());
        Assert.AreEqual(7.0, pipeline.CostPriorOf("e0 * e2 * e3"));
    }

    [TestMethod]
    public void TheSchemaIsAOneOfSoOtherEstimatorsAreInactive()
    {
        var pipeline = ThreeStages();
        var ss = pipeline.SearchSpace;
        CollectionAssert.AreEqual(
            new[] { "_SCHEMA_.Kind", "_SCHEMA_[e0 * e1 * e3].e1.b", "_SCHEMA_[e0 * e1 * e3].e3.d", "_SCHEMA_[e0 * e2 * e3].e2.c", "_SCHEMA_[e0 * e2 * e3].e3.d" },
            ss.Dimensions.Select(d => d.Path).ToArray());
        var nan = double.NaN;
        var p = ss.SampleFromFeatureSpace([0.9, nan, nan, 0.7, 0.25]);
        Assert.AreEqual("""{"_SCHEMA_":{"Kind":"e0 * e2 * e3","e0":{},"e2":{"c":"y"},"e3":{"d":0.25}}}""", p.ToJson());
        Assert.AreEqual("A=>C=>D", pipeline.ToString(p));
        Assert.AreEqual(7.0, pipeline.CostPriorOf(p));
        var estimator = pipeline.BuildFromOption(new MLContext(1), p);
        Assert.IsInstanceOfType<Microsoft.ML.Data.EstimatorChain<ITransformer>>(estimator);
    }

    [TestMethod]
    public void AppendingSweepablesToAnEstimatorStartsAPipelineAsInMicrosoftMLAutoML()
    {
        var context = new MLContext(1);
        var featurizer = context.Transforms.Concatenate("F", "Features").Append(context.Transforms.NormalizeMinMax("F"));
        var pipeline = featurizer.Append(Named("B", new SearchSpace { ["b"] = new UniformIntOption(1, 9) }, 2), Named("C", null, 5));
        CollectionAssert.AreEqual(new[] { "e0 * e1", "e0 * e2" }, pipeline.Schemas.ToArray());
        Assert.AreEqual("EstimatorChain", pipeline.Estimators["e0"].Name, "the generic arity suffix is not part of the name");
        Assert.AreEqual(0.0, pipeline.Estimators["e0"].CostPrior, "a fixed stage costs nothing");
        Assert.AreEqual(5.0, pipeline.CostPriorOf("e0 * e2"));

        var fromSweepable = Named("A", null).Append(Named("B", null), Named("C", null));
        CollectionAssert.AreEqual(new[] { "e0 * e1", "e0 * e2" }, fromSweepable.Schemas.ToArray());
        var withFixedTail = Named("A", null).Append(context.Transforms.CopyColumns("G", "Features"));
        CollectionAssert.AreEqual(new[] { "e0 * e1" }, withFixedTail.Schemas.ToArray());
        Assert.AreEqual("A=>ColumnCopyingEstimator", withFixedTail.ToString(withFixedTail.SearchSpace.SampleFromFeatureSpace(withFixedTail.SearchSpace.Default)));
        Assert.ThrowsExactly<ArgumentException>(() => featurizer.Append(Array.Empty<SweepableEstimator>()));
    }

    [TestMethod]
    public void BadPipelineParametersNameTheProblem()
    {
        var pipeline = ThreeStages();
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => pipeline.BuildFromOption(new MLContext(1), Parameter.FromJson("""{"_SCHEMA_":{"Kind":"e0 * e9"}}"""))).Message, "e0 * e9");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => pipeline.ToString(Parameter.CreateNestedParameter())).Message, "_SCHEMA_");
        Assert.ThrowsExactly<ArgumentException>(() => pipeline.Append());
        Assert.ThrowsExactly<InvalidOperationException>(() => _ = new SweepablePipeline().SearchSpace);
        Assert.ThrowsExactly<ArgumentException>(() => new SweepableEstimator((c, _) => c.Transforms.CopyColumns("a", "b"), costPrior: -1));
    }

    public sealed class Custom
    {
        [Microsoft.ML.SearchSpace.Range(1, 5, 2)]
        public int K { get; set; }
    }

    [TestMethod]
    public void CreateSweepableEstimatorWorksWithANullSpace()
    {
        var seen = new List<int>();
        var sweepable = new MLContext(1).AutoML().CreateSweepableEstimator<Custom>((ctx, o) =>
        {
            seen.Add(o.K);
            return ctx.Transforms.CopyColumns("x", "Features");
        });
        Assert.AreEqual(1, sweepable.SearchSpace.FeatureSpaceDim);
        Assert.AreEqual("Custom", sweepable.Name);
        Assert.IsNull(sweepable.CostPrior, "unknown unless given");
        sweepable.BuildFromOption(new MLContext(1), sweepable.DefaultParameter);
        sweepable.BuildFromOption(new MLContext(1), sweepable.SearchSpace.SampleFromFeatureSpace([1.0]));
        CollectionAssert.AreEqual(new[] { 2, 5 }, seen);
    }
}
