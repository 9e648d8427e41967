namespace MLExtensions.AutoML.Tests.Tuners;

/// <summary>Search spaces and a sequential driver shared by the tuner tests.</summary>
internal static class TunerTestSpaces
{
    /// <summary>Bounds of every numeric leaf of <see cref="Conditional"/> and <see cref="Flat"/>, by key.</summary>
    public static readonly Dictionary<string, (double Min, double Max)> Bounds = new()
    {
        ["L2"] = (1e-4, 1),
        ["LearningRate"] = (1e-5, 1e-1),
        ["Width"] = (8, 256),
        ["Momentum"] = (0, 0.99),
        ["Beta1"] = (0.8, 0.999),
        ["Epochs"] = (1, 100),
        ["X"] = (0, 1),
        ["Y"] = (1e-3, 10),
        ["N"] = (1, 100),
    };

    /// <summary>A two-level conditional space: a trainer one-of whose "nn" branch has an optimizer one-of.</summary>
    public static SearchSpace Conditional() => new()
    {
        ["Trainer"] = new OneOfOption(
            new KeyValuePair<string, SearchSpace>("linear", new SearchSpace { ["L2"] = new UniformDoubleOption(1e-4, 1, logBase: true, defaultValue: 1e-2) }),
            new KeyValuePair<string, SearchSpace>("nn", new SearchSpace
            {
                ["LearningRate"] = new UniformDoubleOption(1e-5, 1e-1, logBase: true, defaultValue: 1e-3),
                ["Width"] = new UniformIntOption(8, 256, logBase: true, defaultValue: 8),
                ["Optimizer"] = new OneOfOption(
                    new KeyValuePair<string, SearchSpace>("sgd", new SearchSpace { ["Momentum"] = new UniformDoubleOption(0, 0.99, defaultValue: 0.9) }),
                    new KeyValuePair<string, SearchSpace>("adam", new SearchSpace { ["Beta1"] = new UniformDoubleOption(0.8, 0.999, defaultValue: 0.9) })),
            })),
        ["Epochs"] = new UniformIntOption(1, 100, defaultValue: 1),
    };

    /// <summary>A flat space: linear, log, int and choice options.</summary>
    public static SearchSpace Flat() => new()
    {
        ["X"] = new UniformDoubleOption(0, 1),
        ["Y"] = new UniformDoubleOption(1e-3, 10, logBase: true),
        ["N"] = new UniformIntOption(1, 100),
        ["C"] = new ChoiceOption("a", "b", "c"),
    };

    /// <summary>The result of a completed trial.</summary>
    public static TrialResult Result(int id, Parameter parameter, double loss, double milliseconds = 1, TrialState state = TrialState.Complete) => new()
    {
        TrialSettings = new TrialSettings { TrialId = id, Parameter = parameter },
        Loss = state == TrialState.Complete ? loss : double.NaN,
        Metric = state == TrialState.Complete ? loss : double.NaN,
        DurationInMilliseconds = milliseconds,
        State = state,
    };

    /// <summary>Runs <paramref name="trials"/> sequential trials; returns each proposal and its loss.</summary>
    public static List<(Parameter Parameter, double Loss)> Run(ITuner tuner, Func<Parameter, (double Loss, double Milliseconds)> objective, int trials)
    {
        var history = new List<(Parameter, double)>();
        for (int id = 0; id < trials; id++)
        {
            Parameter p = tuner.Propose(new TrialSettings { TrialId = id, Parameter = Parameter.CreateNestedParameter() });
            (double loss, double ms) = objective(p);
            tuner.Update(Result(id, p, loss, ms));
            history.Add((p, loss));
        }

        return history;
    }

    /// <summary>A smooth loss over <see cref="Conditional"/>: "nn" with adam near its optimum beats "linear".</summary>
    public static double ConditionalLoss(Parameter p)
    {
        Parameter t = p["Trainer"];
        double epochs = p["Epochs"].AsType<double>();
        double epochTerm = Math.Pow((epochs - 30) / 100, 2);
        if (t["Kind"].AsType<string>() == "linear")
        {
            return 0.5 + Math.Pow(Math.Log10(t["L2"].AsType<double>()) + 2, 2) / 10 + epochTerm;
        }

        double lr = Math.Log10(t["LearningRate"].AsType<double>()) + 2.5;
        double width = Math.Log2(t["Width"].AsType<double>()) - 6;
        Parameter o = t["Optimizer"];
        double opt = o["Kind"].AsType<string>() == "adam"
            ? Math.Pow(o["Beta1"].AsType<double>() - 0.9, 2) * 10
            : 0.2 + Math.Pow(o["Momentum"].AsType<double>() - 0.5, 2);
        return (lr * lr / 4) + (width * width / 10) + opt + epochTerm;
    }

    /// <summary>Asserts that <paramref name="p"/> holds only active keys, each numeric leaf within its bounds.</summary>
    public static void AssertWithinBoundsAndActive(Parameter p)
    {
        Parameter trainer = p["Trainer"];
        string kind = trainer["Kind"].AsType<string>();
        string[] expected = kind == "linear" ? ["Kind", "L2"] : ["Kind", "LearningRate", "Optimizer", "Width"];
        CollectionAssert.AreEquivalent(expected, trainer.Keys.ToArray(), $"keys of {p}");
        if (kind == "nn")
        {
            Parameter opt = trainer["Optimizer"];
            string[] optKeys = opt["Kind"].AsType<string>() == "sgd" ? ["Kind", "Momentum"] : ["Kind", "Beta1"];
            CollectionAssert.AreEquivalent(optKeys, opt.Keys.ToArray(), $"keys of {p}");
        }

        AssertLeavesWithinBounds(p);
    }

    /// <summary>Asserts that every numeric leaf named in <see cref="Bounds"/> is inside its bounds.</summary>
    public static void AssertLeavesWithinBounds(Parameter p)
    {
        foreach ((string key, Parameter child) in p)
        {
            if (child.ParameterType == ParameterType.Object)
            {
                AssertLeavesWithinBounds(child);
            }
            else if (child.ParameterType is ParameterType.Number or ParameterType.Integer && Bounds.TryGetValue(key, out var b))
            {
                double v = child.AsType<double>();
                Assert.IsTrue(v >= b.Min && v <= b.Max, $"{key} = {v} outside [{b.Min}, {b.Max}]");
            }
        }
    }
}
