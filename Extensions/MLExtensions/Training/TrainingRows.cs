using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>The training rows of a fit, packed in memory (<see cref="PackedTrainingRows"/>) or streamed from the data view
/// (<see cref="StreamedTrainingRows"/>): what the training loop needs before it opens them as a <see cref="BatchSource"/>.</summary>
internal abstract class TrainingRows
{
    /// <summary>Number of training rows.</summary>
    public abstract int RowCount { get; }

    /// <summary>Length of a feature vector.</summary>
    public abstract int FeatureCount { get; }

    /// <summary>The training rows' labels (for the regression target's standardization).</summary>
    public abstract IReadOnlyList<float> Labels { get; }

    /// <summary>Opens the rows for training on <paramref name="device"/>.</summary>
    /// <param name="task">Decides the labels' type.</param>
    /// <param name="labelMean">Subtracted from regression targets.</param>
    /// <param name="labelScale">Divides regression targets.</param>
    /// <param name="device">Where the batches are made.</param>
    public abstract BatchSource Open(PredictionTask task, double labelMean, double labelScale, Device device);
}
