if (args.Length > 0 && args[0] == "optimizers")
    return MLExtensions.Benchmarks.Optimizers.OptimizerBenchmark.Run(args[1..]);
Console.WriteLine("MLExtensions benchmarks: see README.");
return 0;
