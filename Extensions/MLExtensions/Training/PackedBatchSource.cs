using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>Batches from rows packed in memory: each epoch is a seeded permutation of all rows (<c>randperm</c> on the device).</summary>
internal sealed class PackedBatchSource : BatchSource
{
    private readonly TrainingTensors _tensors;
    private readonly Device _device;
    private Tensor? _permutation;

    /// <summary>Takes ownership of <paramref name="tensors"/>.</summary>
    public PackedBatchSource(TrainingTensors tensors, Device device)
    {
        _tensors = tensors;
        _device = device;
    }

    /// <inheritdoc />
    public override int RowCount => (int)_tensors.RowCount;

    /// <inheritdoc />
    public override void BeginEpoch(Generator generator)
    {
        _permutation?.Dispose();
        _permutation = torch.randperm(RowCount, generator: generator, device: _device).DetachFromDisposeScope();
    }

    /// <inheritdoc />
    public override (Tensor Features, Tensor Labels, Tensor? Weights) Take(int start, int count)
    {
        var index = _permutation!.narrow(0, start, count);
        return (_tensors.SelectFeatures(index), _tensors.Labels.index_select(0, index), _tensors.Weights?.index_select(0, index));
    }

    /// <inheritdoc />
    /// <remarks>The pool is the whole epoch: the rows come from all training rows outside the step's batch.</remarks>
    public override (Tensor Features, Tensor Labels, Tensor? Weights) TakeIndependent(int start, int count, Generator generator)
    {
        var positions = IndependentPositions(RowCount, start, count, generator, _device);
        var index = _permutation!.index_select(0, torch.tensor(positions, device: _device));
        return (_tensors.SelectFeatures(index), _tensors.Labels.index_select(0, index), _tensors.Weights?.index_select(0, index));
    }

    /// <inheritdoc />
    public override void EndEpoch()
    {
        _permutation?.Dispose();
        _permutation = null;
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        EndEpoch();
        _tensors.Dispose();
    }
}
