using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.ML;

namespace MLExtensions.AutoML;

/// <summary>
/// What <see cref="AutoMLExperiment.RunAsync"/> returns: the best trial, its parameter, the model refit on all the training
/// data, and every trial (also pruned, failed, cancelled and timed-out ones) as a list, an <see cref="IDataView"/>, CSV or JSON.
/// </summary>
public sealed class AutoMLExperimentResult
{
    internal AutoMLExperimentResult(string metricName, bool isMaximize, IReadOnlyList<TrialResult> trials, TrialResult? bestTrial,
        ITransformer? model, bool isRefit, bool wasCancelled, SearchSpace? searchSpace = null)
    {
        _searchSpace = searchSpace;
        MetricName = metricName;
        IsMaximize = isMaximize;
        Trials = trials;
        BestTrial = bestTrial;
        Model = model;
        IsRefit = isRefit;
        WasCancelled = wasCancelled;
    }

    private readonly SearchSpace? _searchSpace;

    /// <summary>The metric the experiment optimized.</summary>
    public string MetricName { get; }

    /// <summary>Whether larger metric values are better.</summary>
    public bool IsMaximize { get; }

    /// <summary>The complete trial with the smallest finite loss (the earliest on ties); null when no trial completed.</summary>
    public TrialResult? BestTrial { get; }

    /// <summary>The best trial's parameter; null when no trial completed.</summary>
    public Parameter? BestParameter => BestTrial?.TrialSettings.Parameter;

    /// <summary>
    /// The best pipeline refit on all the training data (train + validation, or every fold's rows) when <see cref="IsRefit"/>;
    /// otherwise the best trial's own model (null when none completed).
    /// </summary>
    public ITransformer? Model { get; }

    /// <summary>Whether <see cref="Model"/> was refit on all the data (not when refit is off, the run was cancelled, or no trial completed).</summary>
    public bool IsRefit { get; }

    /// <summary>Whether the caller's token stopped the run (the budget ending is not a cancellation).</summary>
    public bool WasCancelled { get; }

    /// <summary>Every trial in id order.</summary>
    public IReadOnlyList<TrialResult> Trials { get; }

    /// <summary>Every trial in id order (ML.NET-style accessor of <see cref="Trials"/>).</summary>
    public IReadOnlyList<TrialResult> GetTrials() => Trials;

    /// <summary>
    /// Which hyperparameters mattered: fANOVA importances (Hutter et al., 2014) of the search space's coordinates over the
    /// complete trials with a finite metric (or <see cref="ParameterImportanceOptions.Target"/>), computed as Optuna's default evaluator does (a random forest of
    /// <see cref="ParameterImportanceOptions.NumberOfTrees"/> trees fitted to the metric, each coordinate's marginal variance
    /// over the total), largest first; the importances sum to 1. A one-of's branch coordinates appear only when every trial
    /// used has that branch (filter the trials with <see cref="ParameterImportanceOptions.TrialFilter"/>). Random search gives
    /// the forest the most even picture; a tuner that concentrates on one region says little about the rest.
    /// </summary>
    /// <param name="options">Forest size, depth, seed and trial filter; null for Optuna's defaults.</param>
    /// <exception cref="InvalidOperationException">The experiment had no search space, fewer than two trials qualify, or
    /// their metric does not vary.</exception>
    public IReadOnlyList<ParameterImportance> GetParameterImportances(ParameterImportanceOptions? options = null)
    {
        options ??= new ParameterImportanceOptions();
        var space = _searchSpace ?? throw new InvalidOperationException(
            "Parameter importances need the experiment's search space; this experiment was set up without one (SetPipeline with a SearchSpace, a sweepable estimator or a sweepable pipeline).");
        var target = options.Target ?? (t => t.Metric);
        var trials = Trials.Where(t => t.State == TrialState.Complete && (options.TrialFilter?.Invoke(t) ?? true))
            .Select(t => (t.TrialSettings.TrialId, t.TrialSettings.Parameter, Metric: target(t))).Where(t => double.IsFinite(t.Metric)).ToArray();
        return ParameterImportanceEvaluator.Evaluate(space, trials, options);
    }

    /// <summary>The trials as rows (<see cref="TrialRow"/>: id, state, metric, loss, duration, start, parameter JSON, intermediate values, error, peak CPU and memory).</summary>
    public IReadOnlyList<TrialRow> ToRows() => Trials.Select(t => new TrialRow
    {
        TrialId = t.TrialSettings.TrialId,
        State = t.State.ToString(),
        Metric = t.Metric,
        Loss = t.Loss,
        DurationInMilliseconds = t.DurationInMilliseconds,
        StartedAtUtc = t.TrialSettings.StartedAtUtc.ToString("O", CultureInfo.InvariantCulture),
        Parameter = t.TrialSettings.Parameter.ToJson(),
        IntermediateSteps = t.IntermediateValues.Select(p => p.Step).ToArray(),
        IntermediateValues = t.IntermediateValues.Select(p => p.Value).ToArray(),
        Error = t.Exception?.Message ?? "",
        PeakCpu = t.PeakCpu ?? double.NaN,
        PeakMemoryInMegaByte = t.PeakMemoryInMegaByte ?? double.NaN,
    }).ToList();

    /// <summary>The trials as an <see cref="IDataView"/> with the columns of <see cref="TrialRow"/>.</summary>
    public IDataView ToDataView(MLContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Data.LoadFromEnumerable(ToRows());
    }

    /// <summary>Writes the trials as CSV (invariant culture, RFC 4180 quoting; intermediate values as <c>step:value</c> pairs separated by spaces).</summary>
    /// <exception cref="ArgumentException">The path is empty.</exception>
    public void WriteCsv(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        File.WriteAllText(path, ToCsv(), new UTF8Encoding(false));
    }

    /// <summary>The trials as CSV text (see <see cref="WriteCsv"/>).</summary>
    public string ToCsv()
    {
        var sb = new StringBuilder("TrialId,State,Metric,Loss,DurationInMilliseconds,StartedAtUtc,Parameter,IntermediateValues,Error,PeakCpu,PeakMemoryInMegaByte\n");
        foreach (var r in ToRows())
        {
            string values = string.Join(" ", r.IntermediateSteps.Zip(r.IntermediateValues, (s, v) => string.Create(CultureInfo.InvariantCulture, $"{s}:{v:R}")));
            sb.Append(CultureInfo.InvariantCulture, $"{r.TrialId},{r.State},{r.Metric:R},{r.Loss:R},{r.DurationInMilliseconds:R},{r.StartedAtUtc},")
              .Append(Quote(r.Parameter)).Append(',').Append(Quote(values)).Append(',').Append(Quote(r.Error))
              .Append(CultureInfo.InvariantCulture, $",{r.PeakCpu:R},{r.PeakMemoryInMegaByte:R}\n");
        }

        return sb.ToString();
    }

    /// <summary>
    /// The experiment as JSON: <c>{"metric", "isMaximize", "bestTrialId", "trials": [{"trialId", "state", "metric", "loss",
    /// "durationInMilliseconds", "startedAtUtc", "parameter" (the parameter's own JSON), "intermediateValues": [[step, value]], "error",
    /// "peakCpu", "peakMemoryInMegaByte"}]}</c>;
    /// non-finite numbers are written as null.
    /// </summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("metric", MetricName);
            w.WriteBoolean("isMaximize", IsMaximize);
            if (BestTrial is null)
            {
                w.WriteNull("bestTrialId");
            }
            else
            {
                w.WriteNumber("bestTrialId", BestTrial.TrialSettings.TrialId);
            }

            w.WriteStartArray("trials");
            foreach (var t in Trials)
            {
                w.WriteStartObject();
                w.WriteNumber("trialId", t.TrialSettings.TrialId);
                w.WriteString("state", t.State.ToString());
                WriteNumber(w, "metric", t.Metric);
                WriteNumber(w, "loss", t.Loss);
                WriteNumber(w, "durationInMilliseconds", t.DurationInMilliseconds);
                w.WriteString("startedAtUtc", t.TrialSettings.StartedAtUtc);
                w.WritePropertyName("parameter");
                w.WriteRawValue(t.TrialSettings.Parameter.ToJson());
                w.WriteStartArray("intermediateValues");
                foreach (var (step, value) in t.IntermediateValues)
                {
                    w.WriteStartArray();
                    w.WriteNumberValue(step);
                    if (double.IsFinite(value))
                    {
                        w.WriteNumberValue(value);
                    }
                    else
                    {
                        w.WriteNullValue();
                    }

                    w.WriteEndArray();
                }

                w.WriteEndArray();
                if (t.Exception is null)
                {
                    w.WriteNull("error");
                }
                else
                {
                    w.WriteString("error", t.Exception.Message);
                }

                WriteNumber(w, "peakCpu", t.PeakCpu ?? double.NaN);
                WriteNumber(w, "peakMemoryInMegaByte", t.PeakMemoryInMegaByte ?? double.NaN);

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>A text leaderboard: the <paramref name="top"/> complete trials, best first, with metric, duration and parameter.</summary>
    public string ToLeaderboard(int top = 10)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{"rank",4} {"trial",5} {MetricName,22} {"seconds",8}  parameter\n");
        int rank = 0;
        foreach (var t in Trials.Where(t => t.State == TrialState.Complete && double.IsFinite(t.Loss)).OrderBy(t => t.Loss).ThenBy(t => t.TrialSettings.TrialId).Take(top))
        {
            sb.Append(CultureInfo.InvariantCulture, $"{++rank,4} {t.TrialSettings.TrialId,5} {t.Metric,22:0.######} {t.DurationInMilliseconds / 1000,8:0.00}  {t.TrialSettings.Parameter.ToJson()}\n");
        }

        var counts = Trials.GroupBy(t => t.State).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}");
        sb.Append("trials: ").Append(string.Join(", ", counts)).Append('\n');
        return sb.ToString();
    }

    private static void WriteNumber(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumber(name, value);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static string Quote(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) < 0 ? s : "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
