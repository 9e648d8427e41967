namespace MLExtensions;

/// <summary>Where a network trains.</summary>
public enum DeviceKind
{
    /// <summary>CUDA when TorchSharp sees a GPU, else the CPU.</summary>
    Auto,
    /// <summary>The CPU.</summary>
    Cpu,
    /// <summary>The first CUDA device; training fails if TorchSharp sees none.</summary>
    Cuda,
}
