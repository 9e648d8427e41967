using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests.Worker;

/// <summary>
/// A deterministic tuner for the worker tests: trial <c>i</c> gets <c>x = frac(0.5 + i·φ)</c>, a low-discrepancy sequence,
/// so distinct trial ids give distinct parameters whichever process proposes them. It counts the results it was told about.
/// </summary>
public sealed class GoldenRatioTuner : ITuner
{
    private static readonly double Phi = (Math.Sqrt(5) - 1) / 2;

    /// <summary>How many results <see cref="Update"/> received.</summary>
    public int Updates { get; private set; }

    public Parameter Propose(TrialSettings settings)
    {
        var x = 0.5 + settings.TrialId * Phi;
        return Parameter.CreateNestedParameter(new KeyValuePair<string, Parameter>("x", Parameter.FromDouble(x - Math.Floor(x))));
    }

    public void Update(TrialResult result) => Updates++;
}
