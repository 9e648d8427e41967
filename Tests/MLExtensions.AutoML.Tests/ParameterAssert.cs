using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests;

/// <summary>Compares parameters exactly except Numbers, which may differ by a relative tolerance.</summary>
internal static class ParameterAssert
{
    public static void AreClose(Parameter expected, Parameter actual, double relative = 1e-9, string path = "$")
    {
        Assert.AreEqual(expected.ParameterType, actual.ParameterType, $"kind at {path}: {expected.ToJson()} vs {actual.ToJson()}");
        switch (expected.ParameterType)
        {
            case ParameterType.Number:
                var e = expected.AsType<double>();
                Assert.AreEqual(e, actual.AsType<double>(), relative * Math.Max(1e-300, Math.Abs(e)), path);
                break;
            case ParameterType.Object:
                CollectionAssert.AreEqual(expected.Keys.ToArray(), actual.Keys.ToArray(), $"keys at {path}");
                foreach (var key in expected.Keys)
                {
                    AreClose(expected[key], actual[key], relative, $"{path}.{key}");
                }

                break;
            default:
                Assert.AreEqual(expected.ToJson(), actual.ToJson(), path);
                break;
        }
    }
}
