using Microsoft.ML;
using MLExtensions.Tests.Trainers;
using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions.Tests.Attacks;

/// <summary>Bad options and inputs raise an <see cref="ArgumentException"/> naming the option or parameter.</summary>
[TestClass]
public sealed class AttackBadInputTests : OneTorchThreadTestBase
{
    private static LinearToyClassifier Toy() => new(new float[,] { { 1, -1 }, { -1, 1 } }, [0, 0]);

    [TestMethod]
    [DataRow(0.0)]
    [DataRow(-0.1)]
    [DataRow(double.NaN)]
    [DataRow(double.PositiveInfinity)]
    public void Epsilon_OutOfRange(double epsilon)
    {
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new PgdAttack(new PgdAttack.Options { Epsilon = epsilon }));
        Assert.AreEqual(nameof(AttackOptionsBase.Epsilon), e.ParamName);
    }

    [TestMethod]
    public void PgdOptions_NameTheOption()
    {
        (string Name, Action<PgdAttack.Options> Break)[] cases =
        [
            (nameof(PgdAttack.Options.Iterations), o => o.Iterations = 0),
            (nameof(PgdAttack.Options.Restarts), o => o.Restarts = 0),
            (nameof(PgdAttack.Options.StepSize), o => o.StepSize = 0),
            (nameof(PgdAttack.Options.StepSize), o => o.StepSize = double.NaN),
            (nameof(PgdAttack.Options.Norm), o => o.Norm = (AttackNorm)7),
            (nameof(PgdAttack.Options.Restarts), o => { o.Restarts = 2; o.RandomStart = false; }),
        ];
        foreach (var (name, breakIt) in cases)
        {
            var options = new PgdAttack.Options();
            breakIt(options);
            var e = Assert.Throws<ArgumentException>(() => new PgdAttack(options), name);
            Assert.AreEqual(name, e.ParamName);
        }
    }

    [TestMethod]
    public void OptionsAreCopied()
    {
        var options = new PgdAttack.Options { Epsilon = 0.2 };
        var attack = new PgdAttack(options);
        options.Epsilon = -1;
        Assert.AreEqual(0.2, attack.Epsilon);
    }

    [TestMethod]
    public void Box_MinAboveMax()
    {
        Assert.AreEqual("min", Assert.Throws<ArgumentException>(() => InputBox.Uniform(1, 0)).ParamName);
        Assert.AreEqual("min", Assert.Throws<ArgumentException>(() => InputBox.Uniform(float.NaN, 0)).ParamName);
        Assert.AreEqual("lower", Assert.Throws<ArgumentException>(() => new InputBox([0, 2], [1, 1])).ParamName);
        Assert.AreEqual("upper", Assert.Throws<ArgumentException>(() => new InputBox([0, 0], [1])).ParamName);
    }

    [TestMethod]
    public void Box_OfAnotherFeatureCount()
    {
        using var model = Toy();
        using var x = zeros(3, 2); using var y = zeros(3, dtype: ScalarType.Int64);
        var attack = new PgdAttack(new PgdAttack.Options { RandomStart = false, InputBox = new InputBox([0, 0, 0], [1, 1, 1]) });
        var e = Assert.Throws<ArgumentException>(() => attack.Perturb(model, x, y));
        Assert.AreEqual(nameof(AttackOptionsBase.InputBox), e.ParamName);
    }

    [TestMethod]
    public void Features_OfAnotherCount_OrNotFinite()
    {
        using var model = Toy();
        using var y = zeros(3, dtype: ScalarType.Int64);
        var attack = new PgdAttack(new PgdAttack.Options { RandomStart = false });
        using var wide = zeros(3, 5);
        Assert.AreEqual("features", Assert.Throws<ArgumentException>(() => attack.Perturb(model, wide, y)).ParamName);
        using var flat = zeros(6);
        Assert.AreEqual("features", Assert.Throws<ArgumentException>(() => attack.Perturb(model, flat, y)).ParamName);
        using var nan = tensor(new[] { 0f, float.NaN, 0, 0, 0, 0 }, [3, 2]);
        Assert.AreEqual("features", Assert.Throws<ArgumentException>(() => attack.Perturb(model, nan, y)).ParamName);
    }

    [TestMethod]
    public void Labels_OutOfRange_OrMisshapen()
    {
        using var model = Toy();
        using var x = zeros(3, 2);
        var attack = new PgdAttack(new PgdAttack.Options { RandomStart = false });
        foreach (var labels in new[] { new long[] { 0, 2, 1 }, [0, -1, 1], [0, 1] })
        {
            using var y = tensor(labels);
            Assert.AreEqual("labels", Assert.Throws<ArgumentException>(() => attack.Perturb(model, x, y)).ParamName, string.Join(",", labels));
        }
        using var floats = zeros(3);
        Assert.AreEqual("labels", Assert.Throws<ArgumentException>(() => attack.Perturb(model, x, floats)).ParamName);
    }

    [TestMethod]
    public void RandomizedAttack_WithoutGenerator()
    {
        using var model = Toy();
        using var x = zeros(3, 2); using var y = zeros(3, dtype: ScalarType.Int64);
        Assert.AreEqual("generator", Assert.Throws<ArgumentException>(() => new PgdAttack(new PgdAttack.Options()).Perturb(model, x, y)).ParamName);
    }

    [TestMethod]
    public void RegressionNetwork_HasNoDifferentiableClassifier()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(SyntheticData.Regression(40, 1));
        using var model = ml.Regression.Trainers.NeuralNetwork(new NeuralNetworkRegressionTrainer.Options
        {
            Epochs = 1, HiddenLayerSizes = [4], EarlyStoppingPatience = null, Seed = 1,
        }).Fit(data);

        var e = Assert.ThrowsExactly<NotSupportedException>(() => model.CreateDifferentiableClassifier());
        StringAssert.Contains(e.Message, "regression");
    }
}
