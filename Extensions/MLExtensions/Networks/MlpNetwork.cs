using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// A TorchSharp multilayer perceptron built from an <see cref="MlpArchitecture"/>. Its parameter and buffer names are the
/// ones <see cref="MlpArchitecture"/> documents, so weights round-trip through <see cref="GetWeights"/> / <see cref="SetWeights"/>.
/// </summary>
public sealed class MlpNetwork : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<HiddenBlock> hidden;
    private readonly Linear output;
    private readonly MlpArchitecture _architecture;

    /// <summary>Builds the network with PyTorch's default initialization drawn from <paramref name="generator"/>.</summary>
    /// <param name="architecture">Layer sizes, activation, normalization and dropout.</param>
    /// <param name="generator">Random source for the initial weights; <c>null</c> uses TorchSharp's global generator.</param>
    public MlpNetwork(MlpArchitecture architecture, Generator? generator = null) : base(nameof(MlpNetwork))
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ValidateArchitecture(architecture);
        _architecture = architecture;
        hidden = new ModuleList<HiddenBlock>();
        int inputs = architecture.InputSize;
        foreach (int units in architecture.HiddenSizes)
        {
            hidden.Add(new HiddenBlock(inputs, units, architecture.Normalization));
            inputs = units;
        }
        output = nn.Linear(inputs, architecture.OutputSize);
        RegisterComponents();
        using (no_grad())
        {
            foreach (var block in hidden) InitializeLinear(block.linear, generator);
            InitializeLinear(output, generator);
        }
    }

    /// <summary>The architecture this network was built from.</summary>
    public MlpArchitecture Architecture => _architecture;

    /// <summary>The generator dropout masks are drawn from in training mode (on the network's device); <c>null</c> uses TorchSharp's
    /// process-wide generator. The training loop sets its run's own generator, so concurrent fits never share random state.</summary>
    internal Generator? DropoutGenerator { get; set; }

    /// <summary>Computes the raw outputs (logits or regression values), shape [batch, OutputSize].</summary>
    public override Tensor forward(Tensor input) => ForwardCapturing(input, null);

    /// <summary>The forward pass; with <paramref name="captures"/>, also records every linear and layer-norm layer's input and output
    /// (the outputs retain their gradients), for per-sample gradient statistics. Batch norm couples the rows and cannot be captured.</summary>
    /// <exception cref="NotSupportedException">Captures were asked for a network with batch norm.</exception>
    /// <remarks>A sparse (COO) input is multiplied by the first layer's dense weights as a sparse × dense product, so a wide sparse
    /// batch is never expanded; it cannot be captured.</remarks>
    internal Tensor ForwardCapturing(Tensor input, List<LayerCapture>? captures)
    {
        var x = HiddenForward(input, captures);
        return Capture(output, x, OutputForward(x), captures);
    }

    /// <summary>The forward pass that also returns the last hidden layer's activations (after activation and dropout; the input itself
    /// for a network without hidden layers), for heads that read a network's features, such as adaptive smoothing's mixing network.</summary>
    internal (Tensor Output, Tensor Hidden) ForwardWithHidden(Tensor input)
    {
        var hiddenActivations = HiddenForward(input, null);
        return (OutputForward(hiddenActivations), hiddenActivations);
    }

    /// <summary>The output layer; a sparse input reaches it directly only in a network without hidden layers.</summary>
    private Tensor OutputForward(Tensor x) => x.is_sparse ? SparseLinear(output, x) : output.forward(x);

    private Tensor HiddenForward(Tensor input, List<LayerCapture>? captures)
    {
        var x = input;
        if (x.is_sparse && captures is not null)
            throw new NotSupportedException("Per-sample gradients need dense features; train with SparseFeatures = Dense.");
        foreach (var block in hidden)
        {
            x = Capture(block.linear, x, x.is_sparse ? SparseLinear(block.linear, x) : block.linear.forward(x), captures);
            if (block.norm is not null)
            {
                if (captures is not null && block.norm is not LayerNorm)
                    throw new NotSupportedException("Per-sample gradients need a network without batch norm (its statistics couple the rows).");
                x = Capture(block.norm, x, block.norm.forward(x), captures);
            }
            x = Activate(x, _architecture.Activation);
            if (_architecture.Dropout > 0 && training) x = Dropout(x, _architecture.Dropout);
        }
        return x;
    }

    /// <summary><paramref name="layer"/> applied to a sparse batch: x Wᵀ + b with a sparse × dense product (gradients reach W and b).</summary>
    private static Tensor SparseLinear(Linear layer, Tensor x)
    {
        using var sc = new StepScalars();
        using var transposed = layer.weight!.t();
        using var product = torch.mm(x, transposed);
        return layer.bias is null ? product.alias() : product.add(layer.bias, sc.One);
    }

    private static Tensor Capture(nn.Module layer, Tensor input, Tensor result, List<LayerCapture>? captures)
    {
        if (captures is null) return result;
        result.retain_grad();
        captures.Add(new LayerCapture(layer, input, result));
        return result;
    }

    /// <summary>Inverted dropout: zeroes each value with probability <paramref name="p"/> and scales the rest by 1 / (1 - p).</summary>
    private Tensor Dropout(Tensor x, double p)
    {
        if (DropoutGenerator is null) return nn.functional.dropout(x, p, training: true);
        using var uniform = torch.rand(x.shape, dtype: x.dtype, device: x.device, generator: DropoutGenerator);
        using var sc = new StepScalars();
        using var keep = uniform.ge(sc[p]);
        return x.mul(keep).div_(sc[1 - p]);
    }

    /// <summary>Copies every parameter and normalization statistic to plain arrays (on the CPU, float32).</summary>
    public IReadOnlyList<NamedTensorData> GetWeights()
    {
        var result = new List<NamedTensorData>();
        using var scope = NewDisposeScope();
        foreach (var (name, tensor) in NamedState())
        {
            var cpu = tensor.detach().to(ScalarType.Float32, CPU).contiguous();
            result.Add(new NamedTensorData(name, cpu.shape, cpu.data<float>().ToArray()));
        }
        return result;
    }

    /// <summary>Overwrites the network's weights; every name must be present with the right shape.</summary>
    /// <exception cref="ArgumentException">A weight is missing, unknown or has the wrong shape.</exception>
    public void SetWeights(IEnumerable<NamedTensorData> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var byName = new Dictionary<string, NamedTensorData>();
        foreach (var w in weights)
        {
            w.Validate();
            byName[w.Name] = w;
        }
        var state = NamedState().ToList();
        var unknown = byName.Keys.Except(state.Select(s => s.Name)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"Unknown weight(s) for architecture {_architecture}: {string.Join(", ", unknown)}.", nameof(weights));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (name, tensor) in state)
        {
            if (!byName.TryGetValue(name, out var data))
                throw new ArgumentException($"Weight '{name}' is missing for architecture {_architecture}.", nameof(weights));
            if (!data.Shape.SequenceEqual(tensor.shape))
                throw new ArgumentException(
                    $"Weight '{name}' has shape [{string.Join(", ", data.Shape)}]; architecture {_architecture} needs [{string.Join(", ", tensor.shape)}].",
                    nameof(weights));
            tensor.copy_(torch.tensor(data.Values, data.Shape).to(tensor.dtype, tensor.device));
        }
    }

    /// <summary>Parameters and running statistics by name (not the batch counter).</summary>
    private IEnumerable<(string Name, Tensor Tensor)> NamedState()
    {
        foreach (var (name, p) in named_parameters()) yield return (name, p);
        foreach (var (name, b) in named_buffers())
        {
            if (!name.EndsWith("num_batches_tracked", StringComparison.Ordinal)) yield return (name, b);
        }
    }

    private static void InitializeLinear(Linear layer, Generator? generator)
    {
        // PyTorch's default Linear initialization: kaiming_uniform(a = sqrt(5)) for the weight, which is
        // U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and the same bound for the bias; drawn from our generator for reproducibility.
        double bound = 1.0 / Math.Sqrt(layer.in_features);
        UniformFill(layer.weight!, bound, generator);
        if (layer.bias is not null) UniformFill(layer.bias, bound, generator);
    }

    private static void UniformFill(Tensor target, double bound, Generator? generator)
    {
        using var values = torch.rand(target.shape, dtype: target.dtype, device: target.device, generator: generator);
        using var sc = new StepScalars();
        target.copy_(values.mul_(sc[2 * bound]).sub_(sc[bound]));
    }

    internal static Tensor Activate(Tensor x, ActivationKind activation) => activation switch
    {
        ActivationKind.ReLU => nn.functional.relu(x),
        ActivationKind.GELU => nn.functional.gelu(x),
        ActivationKind.Tanh => torch.tanh(x),
        ActivationKind.SiLU => nn.functional.silu(x),
        ActivationKind.LeakyReLU => LeakyRelu(x),
        ActivationKind.Sigmoid => torch.sigmoid(x),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
    };

    private static Tensor LeakyRelu(Tensor x)
    {
        using var sc = new StepScalars();
        return x.leaky_relu(sc[0.01]);
    }

    private static void ValidateArchitecture(MlpArchitecture a)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(a.InputSize, 1, nameof(MlpArchitecture.InputSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(a.OutputSize, 1, nameof(MlpArchitecture.OutputSize));
        ArgumentNullException.ThrowIfNull(a.HiddenSizes, nameof(MlpArchitecture.HiddenSizes));
        foreach (int h in a.HiddenSizes)
        {
            if (h < 1)
                throw new ArgumentOutOfRangeException(nameof(MlpArchitecture.HiddenSizes), h, "Every hidden layer needs at least 1 unit.");
        }
        if (!(a.Dropout >= 0 && a.Dropout < 1))
            throw new ArgumentOutOfRangeException(nameof(MlpArchitecture.Dropout), a.Dropout, "Dropout must be in [0, 1).");
        if (!Enum.IsDefined(a.Activation))
            throw new ArgumentOutOfRangeException(nameof(MlpArchitecture.Activation), a.Activation, $"Allowed: {string.Join(", ", Enum.GetNames<ActivationKind>())}.");
        if (!Enum.IsDefined(a.Normalization))
            throw new ArgumentOutOfRangeException(nameof(MlpArchitecture.Normalization), a.Normalization, $"Allowed: {string.Join(", ", Enum.GetNames<NormalizationKind>())}.");
    }

    /// <summary>One hidden layer: linear map and optional normalization (activation and dropout are functional).</summary>
    private sealed class HiddenBlock : nn.Module<Tensor, Tensor>
    {
        // Field names are the parameter names ("linear", "norm").
#pragma warning disable IDE1006
        public readonly Linear linear;
        public readonly nn.Module<Tensor, Tensor>? norm;
#pragma warning restore IDE1006

        public HiddenBlock(int inputs, int units, NormalizationKind normalization) : base(nameof(HiddenBlock))
        {
            linear = nn.Linear(inputs, units);
            norm = normalization switch
            {
                NormalizationKind.BatchNorm => nn.BatchNorm1d(units, eps: MlpArchitecture.NormalizationEpsilon),
                NormalizationKind.LayerNorm => nn.LayerNorm(units, eps: MlpArchitecture.NormalizationEpsilon),
                _ => null,
            };
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => throw new NotSupportedException("Applied by MlpNetwork.forward.");
    }
}
