using System.Reflection;

namespace MLExtensions.AutoML;

/// <summary>
/// The default search rules for spec hyperparameters, by parameter name (d = the spec's own default; every range is
/// widened to contain d, and d is the option's default). Documented in <c>AutoMLIntegration/README.md</c>.
/// </summary>
internal sealed class SpecRanges
{
    private readonly long _totalSteps;

    /// <param name="totalSteps">The optimizer steps a trial is expected to run: the scale of required step counts.</param>
    internal SpecRanges(long totalSteps) => _totalSteps = totalSteps;

    /// <summary>The option for parameter <paramref name="name"/>, or null when it is not searched.</summary>
    internal OptionBase? OptionFor(string name, ParameterInfo p)
    {
        var type = Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType;
        var hasDefault = p.HasDefaultValue && p.DefaultValue is not null;
        if (type == typeof(double) && hasDefault)
        {
            var d = Convert.ToDouble(p.DefaultValue, System.Globalization.CultureInfo.InvariantCulture);
            return name switch
            {
                "LearningRate" or "AdamLearningRate" when d > 0 => new UniformDoubleOption(d / 100, d * 10, logBase: true, defaultValue: d),
                "Beta1" or "AdamBeta1" or "BetaMax" => Linear(0.8, 0.99, d),
                "Beta2" or "AdamBeta2" => Linear(0.9, 0.9999, d),
                "Beta3" => Linear(0.9, 0.999, d),
                "Momentum" => Linear(0.5, 0.99, d),
                "WeightDecay" or "AdamWeightDecay" => Linear(0, Math.Max(0.1, 10 * d), d),
                "FinalFactor" or "MinFactor" => Linear(0, 0.1, d),
                "WarmupFraction" => Linear(0, 0.3, d),
                "StartFactor" => Linear(0.05, 1, d),
                "Power" => Linear(0.5, 3, d),
                "Gamma" => Linear(0.05, 0.5, d),
                "BaseMomentum" => Linear(0.8, 0.9, d),
                "MaxMomentum" => Linear(0.9, 0.99, d),
                "Eta" or "Theta" or "Nu" => new UniformDoubleOption(Math.Min(0.05, d), Math.Max(1, d), logBase: true, defaultValue: d),
                _ => null,
            };
        }

        if (type == typeof(double) && !p.HasDefaultValue && name == "Gamma")
        {
            // A per-step decay (exponential): 0.99 halves the rate in ~69 steps, 0.9999 in ~6931.
            return new UniformDoubleOption(0.99, 0.9999, defaultValue: 0.999);
        }

        if (type == typeof(long) && !p.HasDefaultValue && name.Contains("Step", StringComparison.Ordinal))
        {
            var max = (int)Math.Clamp(_totalSteps, 2, int.MaxValue);
            var min = Math.Max(1, max / 20);
            return new UniformIntOption(min, max, logBase: true, defaultValue: Math.Max(min, max / 2));
        }

        if (type == typeof(bool) && hasDefault && name is "AmsGrad" or "CycleMomentum")
        {
            return new ChoiceOption([true, false], (bool)p.DefaultValue!);
        }

        return null;
    }

    /// <summary>Fixed values for required parameters without a rule: milestones at 1/2 and 3/4 of the steps.</summary>
    internal System.Text.Json.Nodes.JsonNode? FixedValue(ParameterInfo p) =>
        p.ParameterType == typeof(long[]) && p.Name == "Milestones"
            ? new System.Text.Json.Nodes.JsonArray(Math.Max(1, _totalSteps / 2), Math.Max(2, 3 * _totalSteps / 4))
            : null;

    private static UniformDoubleOption Linear(double min, double max, double d) =>
        new(Math.Min(min, d), Math.Max(max, d), defaultValue: d);
}
