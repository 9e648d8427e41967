
namespace MLExtensions.Tests.Onnx;

[TestClass]
public sealed class OnnxScoringModelTests
{
    private static readonly MlpArchitecture Arch = new(3, [4], ActivationKind.ReLU, NormalizationKind.None, 0, 1);

    [TestMethod]
    public void FromFile_ExportedModel_Validates()
    {
        string path = Path.Combine(Path.GetTempPath(), $"mlext-{Guid.NewGuid():N}.onnx");
        try
        {
            using (var f = File.Create(path))
                MlpOnnxExporter.Export(Arch, MlpOnnxExporterTests.TrainedWeights(Arch, 1), PredictionTask.BinaryClassification, f);
            var model = OnnxScoringModel.FromFile(path, PredictionTask.BinaryClassification, "Features", 3);
            Assert.AreEqual(3, model.FeatureSize);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod, DataRow(0.5), DataRow(0.9), DataRow(0.0)]
    public void FromFile_TruncatedFile_ThrowsNamingFile(double keep)
    {
        string path = Path.Combine(Path.GetTempPath(), $"mlext-{Guid.NewGuid():N}.onnx");
        try
        {
            byte[] bytes = MlpOnnxExporter.Export(Arch, MlpOnnxExporterTests.TrainedWeights(Arch, 1), PredictionTask.Regression);
            File.WriteAllBytes(path, bytes[..(int)(bytes.Length * keep)]);
            var ex = Assert.ThrowsExactly<InvalidDataException>(() => OnnxScoringModel.FromFile(path, PredictionTask.Regression, "Features", 3));
            StringAssert.Contains(ex.Message, path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void Validate_RegressionModelAsBinary_ThrowsNamingMissingOutput()
    {
        byte[] bytes = MlpOnnxExporter.Export(Arch, MlpOnnxExporterTests.TrainedWeights(Arch, 1), PredictionTask.Regression);
        var ex = Assert.ThrowsExactly<InvalidDataException>(() =>
            new OnnxScoringModel(bytes, PredictionTask.BinaryClassification, "Features", 3).Validate());
        StringAssert.Contains(ex.Message, "'Probability'");
    }
}
