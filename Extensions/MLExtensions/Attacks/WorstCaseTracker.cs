using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// Keeps, per row, the most adversarial point seen so far: the one with the largest margin of the best wrong class over the true
/// class (so a misclassified point beats every correctly classified one). Starts at the clean rows, so an attack never returns a
/// point less adversarial than the clean input.
/// </summary>
/// <remarks>Its tensors are outside every dispose scope (updates happen in per-iteration scopes); <see cref="Dispose"/> frees them.</remarks>
internal sealed class WorstCaseTracker : IDisposable
{
    private readonly AttackContext _context;

    public WorstCaseTracker(AttackContext context)
    {
        _context = context;
        using var scope = NewDisposeScope();
        Best = context.Clean.clone().DetachFromDisposeScope();
        using var logp = context.LogProbabilities(context.Clean);
        BestMargin = context.Margin(logp).DetachFromDisposeScope();
    }

    /// <summary>The worst point per row [n, d].</summary>
    public Tensor Best { get; private set; }

    /// <summary>Its margin [n]; positive where the row is misclassified.</summary>
    public Tensor BestMargin { get; private set; }

    /// <summary>Keeps the rows of <paramref name="x"/> whose margin (from their log-probabilities) beats the best so far.</summary>
    public void Update(Tensor x, Tensor logp)
    {
        using var scope = NewDisposeScope();
        var margin = _context.Margin(logp);
        var better = margin.gt(BestMargin);
        var best = torch.where(better.unsqueeze(1), x.detach(), Best).DetachFromDisposeScope();
        var bestMargin = torch.where(better, margin, BestMargin).DetachFromDisposeScope();
        Best.Dispose();
        BestMargin.Dispose();
        Best = best;
        BestMargin = bestMargin;
    }

    /// <summary>Evaluates <paramref name="x"/> without a graph and keeps its better rows.</summary>
    public void Evaluate(Tensor x)
    {
        using var logp = _context.LogProbabilities(x);
        Update(x, logp);
    }

    /// <summary>A new handle on <see cref="Best"/> in the current dispose scope (the tracker's own is freed with the tracker).</summary>
    public Tensor TakeBest() => Best.alias();

    /// <inheritdoc />
    public void Dispose()
    {
        Best.Dispose();
        BestMargin.Dispose();
    }
}
