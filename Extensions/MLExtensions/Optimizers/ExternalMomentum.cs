namespace MLExtensions;

/// <summary>Options with β1 and β2 (the Adam family, Lion): what TorchSharp's <c>IBetas</c> reads and sets.</summary>
internal interface IBetaOptions
{
    double? Beta1 { get; set; }

    double? Beta2 { get; set; }
}

/// <summary>Options with a momentum (the SGD family): what TorchSharp's <c>IMomentum</c> reads and sets.</summary>
internal interface IMomentumOptions
{
    double? Momentum { get; set; }
}

/// <summary>
/// The bodies of the optimizers' and groups' <c>IBetas</c>/<c>IMomentum</c> members (set by TorchSharp's schedulers that cycle
/// momentum): a new value is validated like the option and undone when invalid.
/// </summary>
internal static class ExternalMomentum
{
    public static (double, double) Betas(IBetaOptions options) => (options.Beta1.GetValueOrDefault(), options.Beta2.GetValueOrDefault());

    public static void SetBetas<T>(T options, (double, double) value) where T : OptimizerOptionsBase, IBetaOptions
    {
        var previous = (options.Beta1, options.Beta2);
        (options.Beta1, options.Beta2) = value;
        options.ValidateExternalChange(() => (options.Beta1, options.Beta2) = previous);
    }

    public static double Momentum(IMomentumOptions options) => options.Momentum.GetValueOrDefault();

    public static void SetMomentum<T>(T options, double value) where T : OptimizerOptionsBase, IMomentumOptions
    {
        var previous = options.Momentum;
        options.Momentum = value;
        options.ValidateExternalChange(() => options.Momentum = previous);
    }
}
