using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions.AutoML.Tests;

/// <summary>A tiny seeded data set for the ready sweepables: 3 features, a Boolean label, a Single target and a class.</summary>
internal static class SweepableTestData
{
    public sealed class Row
    {
        [VectorType(3)]
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }

        public float Target { get; set; }

        public uint Class { get; set; }
    }

    public static IDataView Create(MLContext context, int rows, int seed)
    {
        var random = new Random(seed);
        var list = Enumerable.Range(0, rows).Select(_ =>
        {
            var f = new[] { (float)random.NextDouble(), (float)random.NextDouble(), (float)random.NextDouble() };
            return new Row { Features = f, Label = f[0] + f[1] + (0.2f * (float)(random.NextDouble() - 0.5)) > 1, Target = 1 + (2 * f[0]) + f[2], Class = (uint)(f[0] * 3) };
        }).ToList();
        return context.Data.LoadFromEnumerable(list);
    }

    /// <summary>Fits the sweepable from <paramref name="parameter"/> and checks every row gets a finite score.</summary>
    public static void FitsWithFiniteScores(SweepableEstimator sweepable, Parameter parameter, Func<MLContext, IEstimator<ITransformer>>? prefix = null)
    {
        var context = new MLContext(2);
        var data = Create(context, 80, 4);
        var estimator = sweepable.BuildFromOption(context, parameter);
        var chain = prefix is null ? estimator : prefix(context).Append(estimator);
        var scored = chain.Fit(data).Transform(data);
        var score = scored.Schema.GetColumnOrNull("Score");
        Assert.IsNotNull(score, $"{sweepable.Name} {parameter.ToJson()}: no Score column");
        int finite = score.Value.Type is VectorDataViewType
            ? scored.GetColumn<VBuffer<float>>(score.Value).Count(v => v.DenseValues().All(float.IsFinite))
            : scored.GetColumn<float>(score.Value).Count(float.IsFinite);
        Assert.AreEqual(80, finite, $"{sweepable.Name} {parameter.ToJson()}: finite scores");
    }
}
