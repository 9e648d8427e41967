using TorchSharp;

namespace MLExtensions.Tests.Optimizers;

/// <summary>
/// The library must not pass .NET numbers where TorchSharp expects a <c>Scalar</c>: the temporary <c>Scalar</c> the implicit
/// conversion creates can be finalized by a concurrent GC while LibTorch still reads it (see <c>StepScalars</c>).
/// </summary>
[TestClass]
public sealed class ScalarConversionAuditTests
{
    [TestMethod]
    public void LibraryMakesNoImplicitScalarConversions()
    {
        var sites = ScalarConversionAudit.ImplicitScalarConversions(typeof(OptimizerSpec).Assembly);
        Assert.AreEqual(0, sites.Count, "Implicit Scalar conversions (use StepScalars):\n" + string.Join("\n", sites));
    }

    [TestMethod]
    public void LibraryCallsNoTorchSharpMethodThatConvertsImplicitly()
    {
        var callees = ScalarConversionAudit.TorchSharpCalleesThatConvert(typeof(OptimizerSpec).Assembly);
        Assert.AreEqual(0, callees.Count, "TorchSharp methods with implicit Scalar conversions inside:\n" + string.Join("\n", callees));
    }
}
