using System.Globalization;
using MLExtensions.AutoML;
using MLExtensions.AutoML.Tests.Worker;

// Usage: worker (--sqlite PATH | --postgres-env VARIABLE) --study NAME --trials N [--worker-id ID] [--sleep-ms MS]
//        [--heartbeat-ms MS] [--stale-ms MS] [--poll-ms MS] [--queue]
// Runs QuadraticTrial trials of the study until it holds N trials and none is waiting or running. --queue: only claim
// enqueued trials (no tuner). Prints "worker ID ran K trials" and exits 0; exits 2 on bad arguments, 1 on errors.
var arguments = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i < args.Length; i++)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal))
    {
        return Fail($"unexpected argument '{args[i]}'");
    }

    var key = args[i][2..];
    arguments[key] = key == "queue" ? "true" : i + 1 < args.Length ? args[++i] : "";
}

string Require(string key) => arguments.TryGetValue(key, out var v) && v.Length > 0 ? v : throw new ArgumentException($"--{key} is required");
int Milliseconds(string key, int fallback) => arguments.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

try
{
    using ITrialStorage storage = arguments.TryGetValue("sqlite", out var path)
        ? new SqliteTrialStorage(path)
        : new PostgresTrialStorage(Environment.GetEnvironmentVariable(Require("postgres-env"))
            ?? throw new ArgumentException($"environment variable {arguments["postgres-env"]} is not set"));
    var options = new TrialWorkerOptions
    {
        WorkerId = arguments.GetValueOrDefault("worker-id"),
        MaxTrials = int.Parse(Require("trials"), CultureInfo.InvariantCulture),
        HeartbeatInterval = TimeSpan.FromMilliseconds(Milliseconds("heartbeat-ms", 200)),
        StaleAfter = TimeSpan.FromMilliseconds(Milliseconds("stale-ms", 1000)),
        PollInterval = TimeSpan.FromMilliseconds(Milliseconds("poll-ms", 100)),
    };
    var sleep = TimeSpan.FromMilliseconds(Milliseconds("sleep-ms", 30));
    var worker = new TrialWorker(storage, Require("study"), isMaximize: false, options);
    var results = await worker.RunAsync((settings, ct) => QuadraticTrial.RunAsync(settings, sleep, ct),
        arguments.ContainsKey("queue") ? null : new GoldenRatioTuner());
    Console.WriteLine($"worker {worker.WorkerId} ran {results.Count} trials");
    return 0;
}
catch (ArgumentException e)
{
    return Fail(e.Message);
}
catch (Exception e)
{
    Console.Error.WriteLine($"worker failed: {e}");
    return 1;
}

static int Fail(string message)
{
    Console.Error.WriteLine($"worker: {message}");
    return 2;
}
