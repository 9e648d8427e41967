using TorchSharp;
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

    /// <summary>A second batch of <paramref name="count"/> rows for the same step, independent of the step's own batch
    /// <c>Take(start, count)</c> (which must have been taken first): see <see cref="IndependentPositions"/> for how the rows are drawn.
    /// Used by schedules that need the gradient of an independent minibatch (<see cref="IIndependentGradientController"/>).</summary>
    /// <param name="start">The step's own batch's first position in the epoch's order.</param>
    /// <param name="count">The step's own batch size, also the size of the returned batch.</param>
    /// <param name="generator">Draws the rows (not the generator of the epoch's order and dropout, so those stay as without it).</param>
    public abstract (Tensor Features, Tensor Labels, Tensor? Weights) TakeIndependent(int start, int count, Generator generator);

    /// <summary>Ends the epoch, releasing what it held.</summary>
    public abstract void EndEpoch();

    /// <summary>Releases every tensor the source holds.</summary>
    public abstract void Dispose();

    /// <summary>
    /// The positions, within a pool of <paramref name="poolSize"/> consecutive positions of the epoch's order that holds the step's
    /// batch at <paramref name="start"/> … <paramref name="start"/> + <paramref name="count"/> − 1 (relative to the pool), of an
    /// independent batch of the same size: <c>min(count, poolSize − count)</c> positions drawn uniformly without replacement from the
    /// pool's positions outside the step's batch (one <c>randperm</c> of them from <paramref name="generator"/>, first ones kept),
    /// then, only when the pool holds fewer than <c>2·count</c> rows, the step's own first positions to fill the batch up (the
    /// overlap is as small as the pool allows). When the step's batch is the whole pool (one batch per epoch), the result is the
    /// step's own batch in its own order.
    /// </summary>
    /// <param name="poolSize">Positions in the pool.</param>
    /// <param name="start">The step's batch's first position in the pool.</param>
    /// <param name="count">The step's batch size.</param>
    /// <param name="generator">Draws the positions.</param>
    /// <param name="device">The generator's device.</param>
    protected static long[] IndependentPositions(int poolSize, int start, int count, Generator generator, Device device)
    {
        int outside = poolSize - count;
        int fresh = Math.Min(count, outside);
        var positions = new long[count];
        if (fresh > 0)
        {
            using var scope = NewDisposeScope();
            var drawn = torch.randperm(outside, generator: generator, device: device).narrow(0, 0, fresh).cpu().data<long>().ToArray();
            for (int i = 0; i < fresh; i++) positions[i] = drawn[i] < start ? drawn[i] : drawn[i] + count;
        }
        for (int i = Math.Max(fresh, 0); i < count; i++) positions[i] = start + i - Math.Max(fresh, 0);
        return positions;
    }
}
