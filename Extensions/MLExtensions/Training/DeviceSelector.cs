using TorchSharp;

namespace MLExtensions;

/// <summary>Resolves a <see cref="DeviceKind"/> to a TorchSharp device.</summary>
internal static class DeviceSelector
{
    /// <summary>Returns CUDA for <see cref="DeviceKind.Cuda"/> (or <see cref="DeviceKind.Auto"/> when a GPU is visible), else the CPU.</summary>
    /// <exception cref="InvalidOperationException"><see cref="DeviceKind.Cuda"/> was asked for but TorchSharp sees no CUDA device.</exception>
    public static torch.Device Resolve(DeviceKind kind) => Resolve(kind, torch.cuda.is_available());

    /// <summary>The rule behind <see cref="Resolve(DeviceKind)"/>, with CUDA availability given (testable without a GPU).</summary>
    public static torch.Device Resolve(DeviceKind kind, bool cudaAvailable) => kind switch
    {
        DeviceKind.Cpu => new torch.Device(DeviceType.CPU),
        DeviceKind.Auto => cudaAvailable ? new torch.Device(DeviceType.CUDA, 0) : new torch.Device(DeviceType.CPU),
        DeviceKind.Cuda => cudaAvailable
            ? new torch.Device(DeviceType.CUDA, 0)
            : throw new InvalidOperationException(
                "Device is Cuda but TorchSharp sees no CUDA device. Reference a CUDA build of TorchSharp (e.g. TorchSharp-cuda-linux) on a machine with a GPU, or set Device to Auto or Cpu."),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, $"Allowed: {string.Join(", ", Enum.GetNames<DeviceKind>())}."),
    };
}
