using System.Diagnostics;
using MLExtensions.AutoML;
using static MLExtensions.Benchmarks.BenchmarkSupport;

namespace MLExtensions.Benchmarks.AutoML;

/// <summary>
/// Time of <see cref="ITuner.Propose"/> as the history grows: each tuner runs --trials sequential trials (default 200) of a
/// synthetic loss on a conditional pipeline space (an estimator one-of with three branches, one holding an optimizer
/// one-of; 11 feature dimensions), and the mean Propose time over the 10 proposals before trial 50, 100 and 200 is
/// reported (median of --repeat runs). No training happens: this measures the tuners alone.
/// </summary>
public static class TunerProposeBenchmark
{
    public static int Run(string[] args)
    {
        int trials = int.Parse(Option(args, "--trials") ?? "200", System.Globalization.CultureInfo.InvariantCulture);
        int repeat = int.Parse(Option(args, "--repeat") ?? "3", System.Globalization.CultureInfo.InvariantCulture);
        int[] marks = new[] { 50, 100, 200 }.Where(m => m <= trials).ToArray();
        Console.WriteLine($"Propose time (ms, mean of the 10 proposals before each mark, median of {repeat} runs); space: {Space().FeatureSpaceDim} feature dims");
        Console.WriteLine($"{"tuner",-8} " + string.Join(" ", marks.Select(m => $"{"@" + m,10}")));
        foreach (string name in new[] { "random", "grid", "tpe", "cfo", "eci" })
        {
            var runs = new List<double[]>();
            for (int r = 0; r < repeat; r++)
            {
                runs.Add(Measure(name, trials, marks, seed: r));
            }

            double[] medians = marks.Select((_, i) => runs.Select(v => v[i]).Order().ElementAt(runs.Count / 2)).ToArray();
            Console.WriteLine($"{name,-8} " + string.Join(" ", medians.Select(v => $"{v,10:F3}")));
        }

        return 0;
    }

    private static double[] Measure(string name, int trials, int[] marks, int seed)
    {
        SearchSpace ss = Space();
        ITuner tuner = name switch
        {
            "random" => new RandomSearchTuner(ss, seed),
            "grid" => new GridSearchTuner(ss),
            "tpe" => new TpeTuner(ss, new TpeOptions { Seed = seed }),
            "cfo" => new CostFrugalTuner(ss, new CostFrugalTunerOptions { Seed = seed }),
            _ => new EciCostFrugalTuner(ss, new EciCostFrugalTunerOptions { Seed = seed }),
        };
        var ms = new double[trials];
        var clock = new Stopwatch();
        for (int id = 0; id < trials; id++)
        {
            var settings = new TrialSettings { TrialId = id, Parameter = Parameter.CreateNestedParameter() };
            clock.Restart();
            Parameter p = tuner.Propose(settings);
            clock.Stop();
            ms[id] = clock.Elapsed.TotalMilliseconds;
            double loss = Loss(p);
            tuner.Update(new TrialResult
            {
                TrialSettings = new TrialSettings { TrialId = id, Parameter = p },
                Loss = loss,
                Metric = loss,
                State = TrialState.Complete,
                DurationInMilliseconds = 1 + (10 * loss),
            });
        }

        return marks.Select(m => ms.Skip(m - 10).Take(10).Average()).ToArray();
    }

    private static SearchSpace Space() => new()
    {
        ["Trainer"] = new OneOfOption(
            new KeyValuePair<string, SearchSpace>("linear", new SearchSpace { ["L2"] = new UniformDoubleOption(1e-4, 1, logBase: true), ["L1"] = new UniformDoubleOption(1e-4, 1, logBase: true) }),
            new KeyValuePair<string, SearchSpace>("trees", new SearchSpace { ["Trees"] = new UniformIntOption(4, 1000, logBase: true), ["Leaves"] = new UniformIntOption(4, 256, logBase: true) }),
            new KeyValuePair<string, SearchSpace>("nn", new SearchSpace
            {
                ["LearningRate"] = new UniformDoubleOption(1e-5, 1e-1, logBase: true),
                ["Width"] = new UniformIntOption(8, 512, logBase: true),
                ["Optimizer"] = new OneOfOption(
                    new KeyValuePair<string, SearchSpace>("sgd", new SearchSpace { ["Momentum"] = new UniformDoubleOption(0, 0.99) }),
                    new KeyValuePair<string, SearchSpace>("adam", new SearchSpace { ["Beta1"] = new UniformDoubleOption(0.8, 0.999) })),
            })),
        ["Epochs"] = new UniformIntOption(1, 100),
    };

    private static double Loss(Parameter p)
    {
        Parameter t = p["Trainer"];
        double epochs = p["Epochs"].AsType<double>();
        double e = Math.Pow((epochs - 30) / 100, 2);
        return t["Kind"].AsType<string>() switch
        {
            "linear" => 0.5 + Math.Pow(Math.Log10(t["L2"].AsType<double>()) + 2, 2) / 10 + e,
            "trees" => 0.3 + Math.Pow(Math.Log2(t["Trees"].AsType<double>()) - 7, 2) / 50 + e,
            _ => Math.Pow(Math.Log10(t["LearningRate"].AsType<double>()) + 2.5, 2) / 4 + e,
        };
    }
}
