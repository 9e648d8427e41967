using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>Packed rows as tensors on the training device: dense features as one tensor, sparse ones kept as compressed rows in managed
/// memory and turned into a sparse COO tensor per batch; labels (standardized for regression, class indices for multiclass) and weights.</summary>
internal sealed class TrainingTensors : IDisposable
{
    private readonly SparseRows? _sparse;
    private readonly Device _device;

    private TrainingTensors(Tensor? features, SparseRows? sparse, int featureCount, Tensor labels, Tensor? weights, Device device)
    {
        Features = features;
        _sparse = sparse;
        FeatureCount = featureCount;
        Labels = labels;
        Weights = weights;
        _device = device;
    }

    /// <summary>The dense features [rows, features], or <c>null</c> for sparse rows.</summary>
    public Tensor? Features { get; }

    /// <summary>Length of a feature vector.</summary>
    public int FeatureCount { get; }

    /// <summary>One label per row, ready for the loss.</summary>
    public Tensor Labels { get; }

    /// <summary>One weight per row, or <c>null</c>.</summary>
    public Tensor? Weights { get; }

    /// <summary>Number of rows.</summary>
    public long RowCount => Labels.shape[0];

    /// <summary>Creates the tensors on <paramref name="device"/>.</summary>
    /// <param name="data">The packed rows.</param>
    /// <param name="task">Decides the labels' type: class indices (int64) for multiclass, standardized targets for regression.</param>
    /// <param name="labelMean">Subtracted from regression targets.</param>
    /// <param name="labelScale">Divides regression targets.</param>
    /// <param name="device">Where the tensors live.</param>
    public static TrainingTensors Create(PackedData data, PredictionTask task, double labelMean, double labelScale, Device device)
    {
        // Each tensor is created on the device directly: tensor(...).to(device) would leave the first handle undisposed.
        var features = data.Sparse is null
            ? torch.tensor(data.Features, new long[] { data.RowCount, data.FeatureCount }, device: device).DetachFromDisposeScope()
            : null;
        Tensor? labels = null;
        try
        {
            labels = task switch
            {
                PredictionTask.MulticlassClassification => torch.tensor(ToClassIndices(data.Labels), device: device),
                PredictionTask.Regression => torch.tensor(Standardize(data.Labels, labelMean, labelScale), device: device),
                _ => torch.tensor(data.Labels, device: device),
            };
            labels.DetachFromDisposeScope();
            var weights = data.Weights is null ? null : torch.tensor(data.Weights, device: device).DetachFromDisposeScope();
            return new TrainingTensors(features, data.Sparse, data.FeatureCount, labels, weights, device);
        }
        catch
        {
            features?.Dispose();
            labels?.Dispose();
            throw;
        }
    }

    /// <summary>The features of the rows <paramref name="index"/> (a 1-d int64 tensor), in that order: dense or sparse COO.</summary>
    public Tensor SelectFeatures(Tensor index)
    {
        if (Features is not null) return Features.index_select(0, index);
        using var cpu = index.device_type == DeviceType.CPU ? index.alias() : index.cpu();
        return SparseBatch(cpu.data<long>().ToArray());
    }

    /// <summary>The features of the rows <paramref name="start"/> … <paramref name="start"/> + <paramref name="count"/> − 1.</summary>
    public Tensor NarrowFeatures(long start, long count)
    {
        if (Features is not null) return Features.narrow(0, start, count);
        var rows = new long[count];
        for (long i = 0; i < count; i++) rows[i] = start + i;
        return SparseBatch(rows);
    }

    private Tensor SparseBatch(IReadOnlyList<long> rows) => _sparse!.ToCooTensor(rows, FeatureCount, _device);

    private static long[] ToClassIndices(float[] labels)
    {
        var result = new long[labels.Length];
        for (int i = 0; i < labels.Length; i++) result[i] = (long)labels[i];
        return result;
    }

    private static float[] Standardize(float[] labels, double mean, double scale)
    {
        var result = new float[labels.Length];
        for (int i = 0; i < labels.Length; i++) result[i] = (float)((labels[i] - mean) / scale);
        return result;
    }

    /// <summary>Releases the tensors.</summary>
    public void Dispose()
    {
        Features?.Dispose();
        Labels.Dispose();
        Weights?.Dispose();
    }
}
