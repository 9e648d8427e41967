Console.WriteLine("MLExtensions benchmarks: see README.");
