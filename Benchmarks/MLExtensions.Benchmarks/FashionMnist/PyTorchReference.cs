using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace MLExtensions.Benchmarks.FashionMnist;

/// <summary>
/// Runs <c>reference_fashion_mnist.py</c> (the same MLP, Adam, batches and data preparation in PyTorch) in a child process and
/// reads its JSON result. The Python command is <c>--python CMD</c>, else the <c>MLEXT_PYTHON</c> environment variable, else
/// <c>python3</c>; when it cannot be started or has no torch, <see cref="Probe"/> says why and the benchmark skips the reference.
/// </summary>
internal sealed class PyTorchReference
{
    /// <summary>The environment variable naming the Python command when <c>--python</c> is not given.</summary>
    public const string PythonVariable = "MLEXT_PYTHON";

    private readonly string _python;
    private readonly string _script;

    private PyTorchReference(string python, string script)
    {
        _python = python;
        _script = script;
    }

    /// <summary>The reference's result for one run.</summary>
    /// <param name="Version">torch.__version__.</param>
    /// <param name="Threads">torch.get_num_threads() during the run.</param>
    /// <param name="EpochSeconds">Wall-clock seconds of each epoch.</param>
    /// <param name="FitSeconds">Seconds from building the training tensors to the end of the last epoch.</param>
    /// <param name="TestAccuracy">Accuracy on the 10,000 test images.</param>
    /// <param name="Blas">The BLAS and LAPACK files the process loaded (empty where /proc is missing).</param>
    /// <param name="BlasCore">OpenBLAS's kernel family, named to it through <c>OPENBLAS_CORETYPE</c> (see the script), or <c>null</c>
    /// when the BLAS is not OpenBLAS.</param>
    public sealed record Result(string Version, int Threads, double[] EpochSeconds, double FitSeconds, double TestAccuracy, string[] Blas,
                                string? BlasCore);

    /// <summary>Finds Python and checks that it imports torch; returns <c>null</c> and a reason when the reference cannot run.</summary>
    /// <param name="pythonOption">The <c>--python</c> value, or <c>null</c>.</param>
    public static (PyTorchReference? Reference, string Message) Probe(string? pythonOption)
    {
        string python = pythonOption ?? Environment.GetEnvironmentVariable(PythonVariable) ?? "python3";
        string script = Path.Combine(BenchmarkSupport.RepositoryRoot(), "Benchmarks", "MLExtensions.Benchmarks", "FashionMnist", "reference_fashion_mnist.py");
        if (!File.Exists(script))
            return (null, $"PyTorch reference skipped: script not found at '{script}'.");
        var (code, output) = RunProcess(python, ["-c", "import torch, numpy; print(torch.__version__)"], TimeSpan.FromMinutes(2));
        if (code is null)
            return (null, $"PyTorch reference skipped: could not start '{python}' ({output}). Pass --python CMD or set {PythonVariable}.");
        if (code != 0)
            return (null, $"PyTorch reference skipped: '{python}' cannot import torch and numpy (Debian: apt install python3-torch). {LastLine(output)}");
        return (new PyTorchReference(python, script), $"PyTorch reference: '{python}', torch {LastLine(output)}");
    }

    /// <summary>Trains the reference once and returns its timings and accuracy.</summary>
    /// <exception cref="InvalidOperationException">The script failed or printed no JSON result.</exception>
    public Result Run(string data, int epochs, int threads, int seed)
    {
        var (code, output) = RunProcess(_python,
            [_script, "--data", data, "--epochs", epochs.ToString(CultureInfo.InvariantCulture), "--threads", threads.ToString(CultureInfo.InvariantCulture),
             "--seed", seed.ToString(CultureInfo.InvariantCulture)],
            TimeSpan.FromHours(1));
        string json = output.Split('\n').LastOrDefault(l => l.TrimStart().StartsWith('{')) ?? "";
        if (code != 0 || json.Length == 0)
            throw new InvalidOperationException($"The PyTorch reference '{_script}' failed (exit code {code?.ToString(CultureInfo.InvariantCulture) ?? "none"}): {output}");
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new Result(root.GetProperty("torch").GetString() ?? "?", root.GetProperty("threads").GetInt32(),
            root.GetProperty("epoch_seconds").EnumerateArray().Select(e => e.GetDouble()).ToArray(), root.GetProperty("fit_seconds").GetDouble(),
            root.GetProperty("test_accuracy").GetDouble(),
            root.TryGetProperty("blas", out var blas) ? blas.EnumerateArray().Select(e => e.GetString() ?? "").ToArray() : [],
            root.TryGetProperty("blas_core", out var core) && core.ValueKind == JsonValueKind.String ? core.GetString() : null);
    }

    private static string LastLine(string text) => text.TrimEnd().Split('\n').LastOrDefault()?.Trim() ?? "";

    /// <summary>Runs a process to its end; the exit code is <c>null</c> when it could not be started (the message says why).</summary>
    internal static (int? ExitCode, string Output) RunProcess(string file, string[] arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception("Process.Start returned null");
        }
        catch (Win32Exception e)
        {
            return (null, e.Message);
        }

        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                return (-1, $"timed out after {timeout}");
            }

            return (process.ExitCode, stdout + stderr.Result);
        }
    }
}
