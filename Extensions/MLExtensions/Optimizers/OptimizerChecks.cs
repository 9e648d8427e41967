namespace MLExtensions;

/// <summary>Hyperparameter checks shared by optimizer constructors and specs; each throws naming the spec property.</summary>
internal static class OptimizerChecks
{
    /// <summary>Throws when <paramref name="value"/> is not finite and greater than 0.</summary>
    public static void Positive(double value, string name)
    {
        if (!(value > 0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number greater than 0.");
    }

    /// <summary>Throws when <paramref name="value"/> is not finite and at least 0.</summary>
    public static void NonNegative(double value, string name)
    {
        if (!(value >= 0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number greater than or equal to 0.");
    }

    /// <summary>Throws when <paramref name="value"/> is outside [0, 1).</summary>
    public static void UnitInterval(double value, string name)
    {
        if (!(value >= 0 && value < 1))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [0, 1).");
    }

    /// <summary>Throws when <paramref name="value"/> is outside [0, 1].</summary>
    public static void ClosedUnitInterval(double value, string name)
    {
        if (!(value >= 0 && value <= 1))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [0, 1].");
    }

    /// <summary>The checks every Adam-style optimizer shares: lr &gt; 0, betas in [0, 1), eps &gt; 0, weight decay &gt;= 0,
    /// named <c>LearningRate</c>, <c>Beta1</c>, <c>Beta2</c>, <c>Epsilon</c>, <c>WeightDecay</c> as in the specs.</summary>
    public static void AdamFamily(double learningRate, double beta1, double beta2, double epsilon, double weightDecay)
    {
        Positive(learningRate, "LearningRate");
        UnitInterval(beta1, "Beta1");
        UnitInterval(beta2, "Beta2");
        Positive(epsilon, "Epsilon");
        NonNegative(weightDecay, "WeightDecay");
    }

    /// <summary>Throws when <paramref name="value"/> is less than <paramref name="minimum"/>.</summary>
    public static void AtLeast(int value, int minimum, string name)
    {
        if (value < minimum)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least {minimum}.");
    }
}
