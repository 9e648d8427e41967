// MLExtensions benchmarks: speed and quality measurements, never part of `dotnet test`.
// Usage: dotnet run -c Release --project Benchmarks/MLExtensions.Benchmarks -- <benchmark> [options]
using MLExtensions.Benchmarks.FashionMnist;
using MLExtensions.Benchmarks.Optimizers;

string benchmark = args.Length > 0 ? args[0] : "";
string[] rest = args.Skip(1).ToArray();
switch (benchmark)
{
    case "fashion-mnist":
        return FashionMnistBenchmark.Run(rest);
    case "optimizers":
        return OptimizerBenchmark.Run(rest);
    default:
        Console.WriteLine("Benchmarks:");
        Console.WriteLine("  fashion-mnist [--data DIR] [--epochs N] [--seeds N] [--no-baselines]");
        Console.WriteLine("  optimizers [--data DIR] [options: see Benchmarks/MLExtensions.Benchmarks/Optimizers]");
        return benchmark.Length == 0 ? 0 : 1;
}
