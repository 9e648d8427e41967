using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// Work tensors an optimizer reuses from step to step instead of allocating full-size temporaries: per-parameter buffers that
/// hold an intermediate from one phase of a step to a later one, and shared scratch buffers (one per slot, dtype and device,
/// sized for the largest tensor seen) for intermediates used only while one tensor is processed. Contents are undefined
/// between uses; nothing here is optimizer state (not saved, not loaded).
/// </summary>
/// <remarks>
/// Why: LibTorch's CPU allocator takes every tensor from <c>malloc</c>; blocks at or above glibc's mmap threshold (128 KiB
/// until glibc raises it, or fixed, e.g. by <c>MALLOC_MMAP_THRESHOLD_</c>) are fresh mappings, so each full-size temporary
/// costs page faults and zero-filling of every page, then an unmap. For AM-AdamW's seven temporaries per tensor that was most
/// of the step (Optimizers/README.md, issue #13). The buffers are created lazily with the tensor's shape, dtype and device,
/// recreated when those change (e.g. after the parameters moved), detached from any dispose scope and disposed with this
/// instance. Not thread-safe: one instance per optimizer, used by its steps.
/// </remarks>
internal sealed class StepBuffers : IDisposable
{
    private readonly Dictionary<(IntPtr Parameter, int Slot), (Tensor Shaped, Tensor Flat)> _perParameter = new();
    private readonly Dictionary<(ScalarType DType, DeviceType Device, int DeviceIndex, int Slot), Scratch> _shared = new();
    private bool _disposed;

    /// <summary>
    /// When <see langword="false"/>, every request returns a fresh tensor (owned by the caller's dispose scope) instead of a reused
    /// one: the allocation pattern of a step without reuse, with the same arithmetic (for the step benchmark and tests).
    /// Default <see langword="true"/>.
    /// </summary>
    public bool Reuse { get; set; } = true;

    /// <summary>
    /// A work tensor with <paramref name="parameter"/>'s shape, dtype and device (contiguous), and a 1-D view of it, that belong
    /// to (<paramref name="parameter"/>, <paramref name="slot"/>): no other request returns them, so they can carry a value across
    /// the phases of a step. Both are cached, so a step creates no tensor handles for them.
    /// </summary>
    /// <param name="parameter">The parameter.</param>
    /// <param name="slot">Which of the parameter's work tensors (0, 1, ...).</param>
    public (Tensor Shaped, Tensor Flat) For(Parameter parameter, int slot)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!Reuse)
            return Fresh(parameter);
        var key = (parameter.Handle, slot);
        if (_perParameter.TryGetValue(key, out var work) && Fits(work.Shaped, parameter))
            return work;
        if (work.Shaped is not null)
        {
            work.Flat.Dispose();
            work.Shaped.Dispose();
        }
        var shaped = torch.empty(parameter.shape, dtype: parameter.dtype, device: parameter.device).DetachFromDisposeScope();
        work = (shaped, shaped.view(-1).DetachFromDisposeScope());
        _perParameter[key] = work;
        return work;
    }

    /// <summary>
    /// A work tensor shaped like <paramref name="like"/> (its dtype and device, contiguous) and a 1-D view of it, views of the
    /// scratch buffer of <paramref name="slot"/>: the next <see cref="Shared"/> request for the same slot, dtype and device returns
    /// the same memory, so their value is only good until then. The views are cached per shape.
    /// </summary>
    /// <param name="like">The tensor whose shape, dtype and device the view takes.</param>
    /// <param name="slot">Which scratch buffer (0, 1, ...).</param>
    public (Tensor Shaped, Tensor Flat) Shared(Tensor like, int slot)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!Reuse)
            return Fresh(like);
        var device = like.device;
        var key = (like.dtype, device.type, device.index, slot);
        long n = like.numel();
        if (!_shared.TryGetValue(key, out var scratch) || scratch.Buffer.numel() < n)
        {
            scratch?.Dispose();
            scratch = new Scratch(torch.empty(n, dtype: like.dtype, device: device).DetachFromDisposeScope());
            _shared[key] = scratch;
        }
        var shape = like.shape;
        string shapeKey = string.Join(',', shape);
        if (!scratch.Views.TryGetValue(shapeKey, out var views))
        {
            var flat = scratch.Buffer.narrow(0, 0, n).DetachFromDisposeScope();
            views = (flat.view(shape).DetachFromDisposeScope(), flat);
            scratch.Views[shapeKey] = views;
        }
        return views;
    }

    /// <summary>Disposes every buffer.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        foreach (var (shaped, flat) in _perParameter.Values)
        {
            flat.Dispose();
            shaped.Dispose();
        }
        foreach (var scratch in _shared.Values)
            scratch.Dispose();
        _perParameter.Clear();
        _shared.Clear();
    }

    private static (Tensor Shaped, Tensor Flat) Fresh(Tensor like)
    {
        var shaped = torch.empty(like.shape, dtype: like.dtype, device: like.device);
        return (shaped, shaped.view(-1));
    }

    private static bool Fits(Tensor buffer, Tensor like)
    {
        if (buffer.dtype != like.dtype || !buffer.shape.AsSpan().SequenceEqual(like.shape))
            return false;
        var (a, b) = (buffer.device, like.device);
        return a.type == b.type && a.index == b.index;
    }

    /// <summary>A shared scratch buffer and its cached views, by shape.</summary>
    private sealed class Scratch(Tensor buffer) : IDisposable
    {
        public Tensor Buffer { get; } = buffer;
        public Dictionary<string, (Tensor Shaped, Tensor Flat)> Views { get; } = new();

        public void Dispose()
        {
            foreach (var (shaped, flat) in Views.Values)
            {
                shaped.Dispose();
                flat.Dispose();
            }
            Views.Clear();
            Buffer.Dispose();
        }
    }
}
