using System.Diagnostics;

namespace MLExtensions.AutoML.Tests;

/// <summary>Starts and stops processes of the test worker executable (MLExtensions.AutoML.Tests.Worker, copied next to the tests).</summary>
internal sealed class WorkerProcesses : IDisposable
{
    private readonly List<(string Id, Process Process, Task<string> Output)> _workers = [];

    /// <summary>Starts worker <paramref name="workerId"/> with <paramref name="arguments"/> (the environment is inherited).</summary>
    public Process Start(string workerId, params string[] arguments)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "MLExtensions.AutoML.Tests.Worker.dll");
        Assert.IsTrue(File.Exists(dll), $"the worker executable is missing: {dll}");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--worker-id");
        start.ArgumentList.Add(workerId);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        var output = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync())
            .ContinueWith(t => string.Concat(t.Result), TaskScheduler.Default);
        _workers.Add((workerId, process, output));
        return process;
    }

    /// <summary>Waits for every worker to exit (failing after <paramref name="timeout"/>) and returns their exit codes and output.</summary>
    public async Task<IReadOnlyList<(string Id, int ExitCode, string Output)>> WaitAllAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        var results = new List<(string, int, string)>();
        foreach (var (id, process, output) in _workers)
        {
            try
            {
                await process.WaitForExitAsync(cancellation.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"worker {id} did not finish within {timeout}");
            }

            results.Add((id, process.ExitCode, await output));
        }

        return results;
    }

    public void Dispose()
    {
        foreach (var (_, process, _) in _workers)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
            }

            process.Dispose();
        }
    }
}
