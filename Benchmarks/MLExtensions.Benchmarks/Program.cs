// MLExtensions benchmarks: speed and quality measurements, never part of `dotnet test`.
// Usage: dotnet run -c Release --project Benchmarks/MLExtensions.Benchmarks -- <benchmark> [options]
using MLExtensions.Benchmarks.AutoML;
using MLExtensions.Benchmarks.Boosting;
using MLExtensions.Benchmarks.FashionMnist;
using MLExtensions.Benchmarks.Optimizers;
using MLExtensions.Benchmarks.Robustness;
using MLExtensions.Benchmarks.Schedules;
using MLExtensions.Benchmarks.Scoring;
using MLExtensions.Benchmarks.Stacking;

string benchmark = args.Length > 0 ? args[0] : "";
string[] rest = args.Skip(1).ToArray();
switch (benchmark)
{
    case "automl-hpo":
        return HpoBenchmark.Run(rest);
    case "automl-importance":
        return ImportanceBenchmark.Run(rest);
    case "automl-propose":
        return TunerProposeBenchmark.Run(rest);
    case "fashion-mnist":
        return FashionMnistBenchmark.Run(rest);
    case "fit-overhead":
        return FitOverheadBenchmark.Run(rest);
    case "scale":
        return ScaleBenchmark.Run(rest);
    case "fit-dispose-memory":
        return FitDisposeMemoryBenchmark.Run(rest);
    case "loop-profile":
        return LoopProfileBenchmark.Run(rest);
    case "gbnn":
        return GbnnBenchmark.Run(rest);
    case "gbnn-reference":
        return GbnnReferenceBenchmark.Run(rest);
    case "optimizers":
        return OptimizerBenchmark.Run(rest);
    case "robustness":
        return RobustnessBenchmark.Run(rest);
    case "schedules":
        return ScheduleBenchmark.Run(rest);
    case "scoring":
        return ScoringBenchmark.Run(rest);
    case "stacking":
        return StackingBenchmark.Run(rest);
    case "stacking-tabular":
        return TabularStackingBenchmark.Run(rest);
    case "stacking-ames":
        return AmesStackingBenchmark.Run(rest);
    default:
        Console.WriteLine("Benchmarks:");
        Console.WriteLine("  automl-hpo [--datasets churn,fashion] [--seeds 10] [--first-seed 0] [--max-epochs 27] [--budget-epochs 810] [--rows 4000] [--methods random,tpe,cfo,random+asha,tpe+asha] [--asha-min-resource 1] [--asha-reduction-factor 3] [--output DIR]");
        Console.WriteLine("  automl-importance [--trials 200] [--params 8] [--repeat 3] [--python CMD | env MLEXT_PYTHON]");
        Console.WriteLine("  automl-propose [--trials N] [--repeat N]");
        Console.WriteLine("  fashion-mnist [--data DIR] [--epochs N] [--seeds N] [--threads 2] [--python CMD | env MLEXT_PYTHON] [--no-reference] [--no-baselines]");
        Console.WriteLine("  fit-overhead [--data DIR] [--epochs 2] [--repeat 1]");
        Console.WriteLine("  scale --case onehot-sparse|onehot-dense|memory|streamed|write-idv|gbnn-onehot [--rows N] [--width N] [--units N] [--chunk N] [--epochs 1] [--data DIR] [--idv FILE]");
        Console.WriteLine("  fit-dispose-memory [--data DIR] [--rows N] [--cycles N] [--gc]");
        Console.WriteLine("  loop-profile [--data DIR] [--epochs 2] [--threads 2] [--seed 1]");
        Console.WriteLine("  gbnn [--data DIR] [--seed N] [--only diamonds,ames,spam,churn-5%,satellite] [--with-networks] [--no-baselines] [--variants eta:J:units,...]");
        Console.WriteLine("  gbnn-reference [--data DIR] [--seeds 1,2,3,4,5] [--only spam,satellite,diamonds] [--settings 0,1] [--python CMD] [--gbnn-path DIR] [--blas-dir DIR] [--no-reference]");
        Console.WriteLine("  optimizers [--data DIR] (see Benchmarks/MLExtensions.Benchmarks/Optimizers)");
        Console.WriteLine("  robustness [--data DIR] [--rows 4000] [--epochs 4] [--mixer-epochs 10] [--alpha-steps 10] [--test-rows 1000] [--threads 2] [--seeds 1] [--first-seed 1] [--summarize] [--output DIR]");
        Console.WriteLine("  schedules [--data DIR] [--epochs 5] [--seeds 3] [--first-seed 1] [--threads 2] [--rows 60000] [--eta 0.5] [--only cosine,...] [--dump-refined FILE]");
        Console.WriteLine("  scoring [--data DIR] [--repeat N] [--hidden 256,128]");
        Console.WriteLine("  stacking [--data DIR] [--repeat N] [--only TEXT] [--with-cd]");
        Console.WriteLine("  stacking-tabular [--data DIR] [--no-network]");
        Console.WriteLine("  stacking-ames [--data DIR] [--no-network]");
        return benchmark.Length == 0 ? 0 : 1;
}
