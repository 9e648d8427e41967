using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests.Worker;

/// <summary>The worker tests' trial: loss <c>(x − 0.3)²</c> over 3 reported steps, sleeping between them to look like training.</summary>
public static class QuadraticTrial
{
    /// <summary>Runs the trial for <paramref name="settings"/>, sleeping <paramref name="sleep"/> in all.</summary>
    public static async Task<double> RunAsync(TrialSettings settings, TimeSpan sleep, CancellationToken cancellationToken)
    {
        var x = settings.Parameter["x"].AsType<double>();
        var loss = (x - 0.3) * (x - 0.3);
        const int steps = 3;
        for (var step = 1; step <= steps; step++)
        {
            await Task.Delay(sleep / steps, cancellationToken);
            settings.Reporter?.Report(step, loss * (1 + (double)(steps - step) / steps));
        }

        return loss;
    }
}
