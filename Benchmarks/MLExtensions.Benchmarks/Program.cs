// Benchmark cases, chosen by the first argument: `dotnet run -c Release --project Benchmarks/MLExtensions.Benchmarks -- <case> [options]`.
return args.FirstOrDefault() switch
{
    "stacking" => MLExtensions.Benchmarks.Stacking.StackingBenchmark.Run(args[1..]),
    "stacking-tabular" => MLExtensions.Benchmarks.Stacking.TabularStackingBenchmark.Run(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.WriteLine("MLExtensions benchmarks: see README. Cases: stacking [--data DIR] [--repeat N] [--only TEXT] [--with-cd]; stacking-tabular [--data DIR]");
    return 0;
}
