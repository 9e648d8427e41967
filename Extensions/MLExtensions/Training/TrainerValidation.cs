using Microsoft.ML;

namespace MLExtensions;

/// <summary>Which validation set a fit uses when it can come from <c>Fit(trainData, validationData)</c> or from <c>Options.ValidationData</c>.</summary>
internal static class TrainerValidation
{
    /// <summary>
    /// <paramref name="fitArgument"/> when only it is given, <paramref name="optionsValue"/> when only that is; both given is ambiguous
    /// (two validation sets, one would silently win), so it throws naming both.
    /// </summary>
    /// <exception cref="ArgumentException">Both are set; ParamName <c>validationData</c>.</exception>
    public static IDataView? Choose(IDataView? fitArgument, IDataView? optionsValue)
    {
        if (fitArgument is not null && optionsValue is not null && !ReferenceEquals(fitArgument, optionsValue))
            throw new ArgumentException(
                "Fit was given validationData while Options.ValidationData is set too; give the validation set in one place only " +
                "(set Options.ValidationData = null to pass it to Fit).", "validationData");
        return fitArgument ?? optionsValue;
    }
}
