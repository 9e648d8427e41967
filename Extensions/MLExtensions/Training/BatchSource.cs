using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>Where the training loop takes its mini-batches from: the epoch's row order is drawn when it begins, and batches are
/// consecutive stretches of that order (<see cref="Take"/> is called with increasing, adjacent <c>start</c>s).</summary>
/// <remarks>Tensors <see cref="Take"/> returns belong to the caller's dispose scope; what the source keeps between calls is its own.</remarks>
internal abstract class BatchSource : IDisposable
{
    /// <summary>Training rows per epoch.</summary>
    public abstract int RowCount { get; }

    /// <summary>Starts an epoch: draws its row order from <paramref name="generator"/>.</summary>
    public abstract void BeginEpoch(Generator generator);

    /// <summary>The epoch's rows at positions <paramref name="start"/> … <paramref name="start"/> + <paramref name="count"/> − 1:
    /// features ([count, features], sparse COO for sparse rows), labels and weights (or <c>null</c>).</summary>
    public abstract (Tensor Features, Tensor Labels, Tensor? Weights) Take(int start, int count);

    /// <summary>Ends the epoch, releasing what it held.</summary>
    public abstract void EndEpoch();

    /// <summary>Releases every tensor the source holds.</summary>
    public abstract void Dispose();
}
