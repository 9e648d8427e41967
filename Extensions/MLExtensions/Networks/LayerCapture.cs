using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// One parameterized layer's input and output from <see cref="MlpNetwork.ForwardCapturing"/>, kept so that per-sample gradients can be
/// formed analytically after the backward pass (the output retains its gradient).
/// </summary>
/// <param name="Layer">The layer: a <see cref="TorchSharp.Modules.Linear"/> or a <see cref="TorchSharp.Modules.LayerNorm"/>.</param>
/// <param name="Input">The layer's input (n × features).</param>
/// <param name="Output">The layer's output (n × units), whose <c>grad</c> is set by the backward pass.</param>
internal sealed record LayerCapture(nn.Module Layer, Tensor Input, Tensor Output);
