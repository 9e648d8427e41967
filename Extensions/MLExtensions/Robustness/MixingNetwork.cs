using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// The mixing network of adaptive smoothing at the small scale of ALGORITHMS.md C.5: the concatenated last-hidden-layer activations of
/// both base models → Linear(·, hidden) → ReLU → Linear(hidden, 1, no bias) → BatchNorm1d(1, no affine, momentum 0.01) →
/// <c>γ·GammaScale + GammaBias</c>. Returns γ [n]; α = sigmoid(γ) is formed in log space by <see cref="MixtureMath"/>.
/// </summary>
/// <remarks>
/// In training mode, when <see cref="TrainingClamp"/> is set, γ is first clamped to the batch mean ± that many standard deviations
/// (bounds not differentiated, as the official code does with 0.6); batch norm then normalizes with the batch statistics and updates
/// its running ones. In eval mode neither happens: the running statistics are used. Weight names: <c>hidden.weight</c>, <c>hidden.bias</c>,
/// <c>output.weight</c>, <c>norm.running_mean</c>, <c>norm.running_var</c>.
/// </remarks>
internal sealed class MixingNetwork : nn.Module<Tensor, Tensor>
{
    /// <summary>Batch-norm epsilon (PyTorch's default).</summary>
    public const double NormalizationEpsilon = 1e-5;

    /// <summary>Batch-norm momentum of the running statistics (the paper's 0.01).</summary>
    public const double NormalizationMomentum = 0.01;

#pragma warning disable IDE1006 // field names are the parameter names
    private readonly Linear hidden;
    private readonly Linear output;
    private readonly BatchNorm1d norm;
#pragma warning restore IDE1006
    private readonly double _gammaScale;
    private readonly double _gammaBias;

    /// <summary>Builds the network with PyTorch's default initialization drawn from <paramref name="generator"/>.</summary>
    public MixingNetwork(int inputSize, int hiddenSize, double gammaScale, double gammaBias, Generator? generator) : base(nameof(MixingNetwork))
    {
        hidden = nn.Linear(inputSize, hiddenSize);
        output = nn.Linear(hiddenSize, 1, hasBias: false);
        norm = nn.BatchNorm1d(1, eps: NormalizationEpsilon, momentum: NormalizationMomentum, affine: false);
        _gammaScale = gammaScale;
        _gammaBias = gammaBias;
        RegisterComponents();
        using var noGrad = no_grad();
        using var sc = new StepScalars();
        foreach (var layer in new[] { hidden, output })
        {
            double bound = 1.0 / Math.Sqrt(layer.in_features);
            foreach (var p in layer.parameters())
            {
                using var values = rand(p.shape, dtype: p.dtype, generator: generator);
                p.copy_(values.mul_(sc[2 * bound]).sub_(sc[bound]));
            }
        }
    }

    /// <summary>Half-width of the train-time clamp of the pre-normalization γ in batch standard deviations, or <c>null</c> for none
    /// (the default). A clamped row gets no gradient, so the clamp slows the detector's training (see Robustness/README.md).</summary>
    public double? TrainingClamp { get; set; }

    /// <summary>The mixing logits γ [n] of concatenated base-model features [n, inputSize].</summary>
    public override Tensor forward(Tensor features)
    {
        using var sc = new StepScalars();
        using var scope = NewDisposeScope();
        var gamma = output.forward(nn.functional.relu(hidden.forward(features)));
        if (training && TrainingClamp is { } width && gamma.shape[0] > 1)
        {
            Tensor low, high;
            using (no_grad())
            {
                var mean = gamma.mean();
                var spread = gamma.std().mul(sc[width]);
                low = mean.sub(spread);
                high = mean.add(spread, sc.One);
            }
            gamma = gamma.clamp(low, high);
        }
        gamma = norm.forward(gamma).squeeze(1).mul(sc[_gammaScale]).add(sc[_gammaBias], sc.One);
        return gamma.MoveToOuterDisposeScope();
    }

    /// <summary>Copies the weights and batch-norm statistics to plain float arrays (names in the remarks).</summary>
    public IReadOnlyList<NamedTensorData> GetWeights()
    {
        using var scope = NewDisposeScope();
        return State().Select(s =>
        {
            var cpu = s.Tensor.detach().to(ScalarType.Float32, CPU).contiguous();
            return new NamedTensorData(s.Name, cpu.shape, cpu.data<float>().ToArray());
        }).ToList();
    }

    /// <summary>Overwrites the weights; every name must be present with the right shape.</summary>
    /// <exception cref="ArgumentException">A weight is missing, unknown or misshapen.</exception>
    public void SetWeights(IReadOnlyList<NamedTensorData> weights)
    {
        var byName = weights.ToDictionary(w => w.Name);
        var state = State().ToList();
        var unknown = byName.Keys.Except(state.Select(s => s.Name)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"Unknown mixing-network weight(s): {string.Join(", ", unknown)}.", nameof(weights));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (name, t) in state)
        {
            if (!byName.TryGetValue(name, out var data))
                throw new ArgumentException($"Mixing-network weight '{name}' is missing.", nameof(weights));
            if (!data.Shape.SequenceEqual(t.shape))
                throw new ArgumentException(
                    $"Mixing-network weight '{name}' has shape [{string.Join(", ", data.Shape)}]; expected [{string.Join(", ", t.shape)}].", nameof(weights));
            t.copy_(tensor(data.Values, data.Shape).to(t.dtype, t.device));
        }
    }

    private IEnumerable<(string Name, Tensor Tensor)> State()
    {
        foreach (var (name, p) in named_parameters()) yield return (name, p);
        foreach (var (name, b) in named_buffers())
        {
            if (!name.EndsWith("num_batches_tracked", StringComparison.Ordinal)) yield return (name, b);
        }
    }
}
