using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions.Tests.Attacks;

/// <summary>A fixed, seeded one-hidden-layer tanh network log_softmax(W₂ tanh(W₁x + b₁)): a nonlinear multiclass toy with no training.</summary>
internal sealed class TanhToyClassifier : IDifferentiableClassifier
{
    private readonly Tensor _w1;
    private readonly Tensor _b1;
    private readonly Tensor _w2;

    public TanhToyClassifier(int features, int hidden, int classes, int seed)
    {
        using var generator = new Generator((ulong)seed);
        using var scope = NewDisposeScope();
        _w1 = randn([hidden, features], generator: generator).mul(1.5f / MathF.Sqrt(features)).DetachFromDisposeScope();
        _b1 = randn([hidden], generator: generator).mul(0.5f).DetachFromDisposeScope();
        _w2 = randn([classes, hidden], generator: generator).mul(3f / MathF.Sqrt(hidden)).DetachFromDisposeScope();
    }

    public int FeatureCount => (int)_w1.shape[1];

    public int ClassCount => (int)_w2.shape[0];

    public Tensor LogProbabilities(Tensor features)
    {
        using var scope = NewDisposeScope();
        return nn.functional.log_softmax(nn.functional.linear(nn.functional.linear(features, _w1, _b1).tanh(), _w2), 1).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        _w1.Dispose();
        _b1.Dispose();
        _w2.Dispose();
    }
}
