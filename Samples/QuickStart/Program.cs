Console.WriteLine("QuickStart: arrives with the neural trainers.");
