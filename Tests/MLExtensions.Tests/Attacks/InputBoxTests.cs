using Microsoft.ML;
using MLExtensions.Tests.Trainers;

namespace MLExtensions.Tests.Attacks;

[TestClass]
public sealed class InputBoxTests
{
    [TestMethod]
    public void FromData_IsThePerFeatureMinAndMax()
    {
        var ml = new MLContext(1);
        var rows = SyntheticData.Binary(50, 4);
        var box = InputBox.FromData(ml.Data.LoadFromEnumerable(rows));

        Assert.AreEqual(SyntheticData.FeatureCount, box.FeatureCount);
        for (int i = 0; i < SyntheticData.FeatureCount; i++)
        {
            Assert.AreEqual(rows.Min(r => r.Features[i]), box.Lower[i]);
            Assert.AreEqual(rows.Max(r => r.Features[i]), box.Upper[i]);
        }
    }

    [TestMethod]
    public void FromData_BadInput()
    {
        var ml = new MLContext(1);
        Assert.AreEqual("featureColumnName", Assert.Throws<ArgumentException>(() => InputBox.FromData(ml.Data.LoadFromEnumerable(SyntheticData.Binary(5, 1)), "Nope")).ParamName);
        Assert.AreEqual("featureColumnName", Assert.Throws<ArgumentException>(() => InputBox.FromData(ml.Data.LoadFromEnumerable(SyntheticData.Binary(5, 1)), "Label")).ParamName);
        Assert.AreEqual("data", Assert.Throws<ArgumentException>(() => InputBox.FromData(ml.Data.LoadFromEnumerable(SyntheticData.Binary(0, 1)))).ParamName);
        var nan = SyntheticData.Binary(3, 1);
        nan[1].Features[2] = float.NaN;
        Assert.AreEqual("data", Assert.Throws<ArgumentException>(() => InputBox.FromData(ml.Data.LoadFromEnumerable(nan))).ParamName);
    }

    [TestMethod]
    public void Uniform_FitsAnyFeatureCount()
    {
        var box = InputBox.Uniform(0, 1);
        Assert.IsNull(box.FeatureCount);
        box.CheckFeatureCount(784, "x");
        Assert.AreEqual(float.NegativeInfinity, InputBox.Unbounded.Lower[0]);
    }
}
