using TorchSharp;

namespace MLExtensions;

/// <summary>
/// Creates the TorchSharp <see cref="Scalar"/>s one optimizer step (or training batch) passes to LibTorch, keeps them reachable
/// and disposes them all at the end: <c>using var s = new StepScalars(); p.mul_(s[1 - lr * wd]);</c>.
/// </summary>
/// <remarks>
/// Never pass a .NET number where TorchSharp expects a <see cref="Scalar"/> (<c>t.mul_(0.9)</c>, <c>t.add_(g, alpha: a)</c>,
/// <c>t * 2.0</c>, <c>1 - t</c>...). TorchSharp 0.107 converts it implicitly into a temporary, finalizable <see cref="Scalar"/> that
/// nothing references once its native handle has been read, so a garbage collection triggered by any other thread during the
/// native call can run its finalizer and free the <c>c10::Scalar</c> while LibTorch still reads it (use after free). It shows as
/// random <c>Unknown scalar type</c> (c10/core/Scalar.h:339) or <c>Expected false to be true</c> (Scalar.h:140, <c>toDouble</c>)
/// errors from <c>THSTensor_mul_scalar_</c> and similar entry points, under GC pressure from concurrent trials, fits or
/// pipelines. A dispose scope does not help: scalars are not tracked by it. The scalars handed out here stay referenced by this
/// instance until <see cref="Dispose"/>, which runs after the native calls returned. Equal values (compared bit for bit) share
/// one <see cref="Scalar"/>. <c>ScalarConversionAuditTests</c> checks the compiled library for implicit conversions.
/// Not thread-safe: one instance per step.
/// </remarks>
internal sealed class StepScalars : IDisposable
{
    private readonly Dictionary<long, Scalar> _scalars = new();
    private bool _disposed;

    /// <summary>A double-typed <see cref="Scalar"/> holding <paramref name="value"/>, alive until this instance is disposed.</summary>
    /// <param name="value">The value.</param>
    public Scalar this[double value]
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            long key = BitConverter.DoubleToInt64Bits(value);
            if (!_scalars.TryGetValue(key, out var scalar))
            {
                scalar = value.ToScalar();
                _scalars.Add(key, scalar);
            }
            return scalar;
        }
    }

    /// <summary>The scalar 1, for TorchSharp overloads whose short form would convert <c>alpha: 1</c> implicitly: write
    /// <c>a.add_(b, alpha: sc.One)</c>, not <c>a.add_(b)</c> or <c>a + b</c>.</summary>
    public Scalar One => this[1.0];

    /// <summary>Disposes every scalar handed out.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        foreach (var scalar in _scalars.Values)
            scalar.Dispose();
        _scalars.Clear();
    }
}
