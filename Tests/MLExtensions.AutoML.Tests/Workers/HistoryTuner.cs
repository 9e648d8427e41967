using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests;

/// <summary>
/// A deterministic tuner over <c>{"x"}</c> whose proposal depends on every result it was told about (the best point and
/// how many), so a resumed run proposes what an uninterrupted one does only if the whole history was replayed.
/// </summary>
internal sealed class HistoryTuner : ITuner
{
    private double _bestX = 0.9;
    private double _bestLoss = double.PositiveInfinity;

    public int Updates { get; private set; }

    public Parameter Propose(TrialSettings settings)
    {
        var step = Math.Pow(0.6, Updates + 1) * (Updates % 2 == 0 ? -1 : 1);
        return Parameter.CreateNestedParameter(new KeyValuePair<string, Parameter>("x", Parameter.FromDouble(_bestX + step)));
    }

    public void Update(TrialResult result)
    {
        Updates++;
        if (result.Loss < _bestLoss)
        {
            _bestLoss = result.Loss;
            _bestX = result.TrialSettings.Parameter["x"].AsType<double>();
        }
    }
}
