using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// Base of the per-parameter state of this library's optimizers: a step counter and a fixed number of tensor slots, each
/// on the parameter's device and dtype (or <see langword="null"/> when unused). Saving, loading, copying, moving and
/// disposing cover all slots.
/// </summary>
public abstract class OptimizerStateBase : OptimizerState, IDisposable
{
    private const byte FormatVersion = 1;
    private readonly Tensor?[] _slots;

    /// <summary>Creates the state of <paramref name="parameter"/> with <paramref name="slotCount"/> tensor slots.</summary>
    /// <param name="parameter">The parameter this state belongs to.</param>
    /// <param name="slotCount">How many tensors the state holds.</param>
    protected OptimizerStateBase(Parameter parameter, int slotCount) : base(parameter)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slotCount);
        _slots = new Tensor?[slotCount];
    }

    /// <summary>The number of steps taken for this parameter.</summary>
    public long Step { get; set; }

    /// <summary>The parameter this state belongs to.</summary>
    protected Parameter Parameter => _parameter;

    /// <summary>Reads a slot.</summary>
    /// <param name="index">The slot index.</param>
    protected Tensor? GetSlot(int index) => _slots[index];

    /// <summary>Reads a slot that must be set.</summary>
    /// <param name="index">The slot index.</param>
    protected Tensor RequireSlot(int index) =>
        _slots[index] ?? throw new InvalidOperationException($"{GetType().Name}: state slot {index} is not initialized.");

    /// <summary>Replaces a slot, disposing the old tensor and detaching the new one from any dispose scope.</summary>
    /// <param name="index">The slot index.</param>
    /// <param name="value">The new tensor (it is owned by the state from now on), or <see langword="null"/>.</param>
    protected void SetSlot(int index, Tensor? value)
    {
        var old = _slots[index];
        if (ReferenceEquals(old, value))
            return;
        _slots[index] = value?.DetachFromDisposeScope();
        old?.Dispose();
    }

    /// <summary>A new zero tensor shaped like the parameter, on its device and with its dtype, outside any dispose scope.</summary>
    protected Tensor ZerosLikeParameter() => torch.zeros_like(_parameter).DetachFromDisposeScope();

    /// <summary>A new zero scalar tensor on the parameter's device and with its dtype, outside any dispose scope.</summary>
    protected Tensor ZeroScalar() => torch.zeros(Array.Empty<long>(), dtype: _parameter.dtype, device: _parameter.device).DetachFromDisposeScope();

    /// <summary>A new scalar tensor holding one, on the parameter's device and with its dtype, outside any dispose scope.</summary>
    protected Tensor OneScalar() => torch.ones(Array.Empty<long>(), dtype: _parameter.dtype, device: _parameter.device).DetachFromDisposeScope();

    /// <summary>Resets the step count and (re)creates the slots for a fresh start.</summary>
    /// <param name="options">The options of the parameter's group.</param>
    protected abstract void InitializeSlots(OptimizerOptions options);

    /// <inheritdoc />
    public override void Initialize(OptimizerOptions options)
    {
        for (int i = 0; i < _slots.Length; i++)
            SetSlot(i, null);
        Step = 0;
        InitializeSlots(options);
    }

    /// <inheritdoc />
    public override void SaveStateDict(BinaryWriter writer)
    {
        writer.Write(FormatVersion);
        writer.Write(Step);
        writer.Write(_slots.Length);
        foreach (var slot in _slots)
            SaveConditionalStateTensor(writer, slot);
    }

    /// <inheritdoc />
    public override void LoadStateDict(BinaryReader reader)
    {
        byte version = reader.ReadByte();
        if (version != FormatVersion)
            throw new InvalidDataException($"{GetType().Name}: unsupported state format version {version}.");
        Step = reader.ReadInt64();
        int count = reader.ReadInt32();
        if (count != _slots.Length)
            throw new InvalidDataException($"{GetType().Name}: expected {_slots.Length} state tensors, found {count}.");
        for (int i = 0; i < _slots.Length; i++)
        {
            if (!reader.ReadBoolean())
            {
                SetSlot(i, null);
                continue;
            }
            Tensor? loaded = null;
            TensorExtensionMethods.Load(ref loaded, reader);
            SetSlot(i, loaded!.to(_parameter.dtype, _parameter.device, disposeAfter: true));
        }
    }

    /// <inheritdoc />
    public override void LoadStateDict(OptimizerState source)
    {
        if (source is not OptimizerStateBase other || other.GetType() != GetType())
            throw new ArgumentException($"Expected a {GetType().Name}.", nameof(source));
        Step = other.Step;
        for (int i = 0; i < _slots.Length; i++)
            SetSlot(i, other._slots[i]?.to(_parameter.dtype, _parameter.device, copy: true));
    }

    /// <inheritdoc />
    public override void to(Device device)
    {
        for (int i = 0; i < _slots.Length; i++)
            if (_slots[i] is { } slot && slot.device != device)
                SetSlot(i, slot.to(device));
    }

    /// <inheritdoc />
    public override bool ApproximatelyEquals(OptimizerState other)
    {
        if (other is not OptimizerStateBase rhs || rhs.GetType() != GetType() || rhs.Step != Step)
            return false;
        for (int i = 0; i < _slots.Length; i++)
        {
            var (a, b) = (_slots[i], rhs._slots[i]);
            if (a is null != b is null)
                return false;
            if (a is not null && !a.allclose(b!))
                return false;
        }
        return true;
    }

    /// <summary>Disposes every state tensor.</summary>
    public void Dispose()
    {
        for (int i = 0; i < _slots.Length; i++)
            SetSlot(i, null);
        GC.SuppressFinalize(this);
    }
}
