using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>Training rows packed in memory: every epoch permutes all of them.</summary>
/// <param name="data">The packed rows.</param>
internal sealed class PackedTrainingRows(PackedData data) : TrainingRows
{
    /// <summary>The packed rows.</summary>
    public PackedData Data => data;

    /// <inheritdoc />
    public override int RowCount => data.RowCount;

    /// <inheritdoc />
    public override int FeatureCount => data.FeatureCount;

    /// <inheritdoc />
    public override IReadOnlyList<float> Labels => data.Labels;

    /// <inheritdoc />
    public override BatchSource Open(PredictionTask task, double labelMean, double labelScale, Device device) =>
        new PackedBatchSource(TrainingTensors.Create(data, task, labelMean, labelScale, device), device);
}
