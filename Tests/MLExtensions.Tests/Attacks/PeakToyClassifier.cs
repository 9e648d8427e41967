using static TorchSharp.torch;

namespace MLExtensions.Tests.Attacks;

/// <summary>
/// A binary classifier on one feature whose class-1 logit is a·(x − c)² (class 0's is 0): the cross-entropy of class 1 and the
/// margin of class 0 peak at the interior point x = c, so a fixed-size signed step oscillates around it. Records every row it is
/// asked to score, in order.
/// </summary>
internal sealed class PeakToyClassifier(float center, float curvature) : IDifferentiableClassifier
{
    private readonly List<float[]> _queries = [];

    public int FeatureCount => 1;

    public int ClassCount => 2;

    /// <summary>The features of every call, in order.</summary>
    public IReadOnlyList<float[]> Queries => _queries;

    public Tensor LogProbabilities(Tensor features)
    {
        _queries.Add(features.detach().data<float>().ToArray());
        using var scope = NewDisposeScope();
        var z1 = features.sub(center).square().mul(curvature);
        return nn.functional.log_softmax(cat([zeros_like(z1), z1], 1), 1).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
    }
}
