using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions.Tests.Attacks;

/// <summary>A linear softmax classifier log_softmax(x Wᵀ + b) with fixed weights, for attack tests with known answers.</summary>
internal sealed class LinearToyClassifier : IDifferentiableClassifier
{
    private readonly Tensor _weight;
    private readonly Tensor _bias;

    public LinearToyClassifier(float[,] weight, float[] bias)
    {
        Weight = (float[,])weight.Clone();
        _weight = torch.tensor(weight);
        _bias = torch.tensor(bias);
    }

    /// <summary>A copy of the weights [classes, features].</summary>
    public float[,] Weight { get; }

    public int FeatureCount => (int)_weight.shape[1];

    public int ClassCount => (int)_weight.shape[0];

    public int Calls { get; private set; }

    public Tensor LogProbabilities(Tensor features)
    {
        Calls++;
        using var scope = NewDisposeScope();
        return nn.functional.log_softmax(nn.functional.linear(features, _weight, _bias), 1).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        _weight.Dispose();
        _bias.Dispose();
    }
}
