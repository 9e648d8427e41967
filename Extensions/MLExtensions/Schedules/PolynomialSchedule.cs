namespace MLExtensions;

/// <summary>
/// Polynomial decay to 0 over <paramref name="DecaySteps"/> optimizer steps, then 0 (PyTorch's <c>PolynomialLR</c>):
/// factor = (1 − min(step, DecaySteps) / DecaySteps)^Power.
/// </summary>
/// <param name="DecaySteps">Steps until the rate reaches 0. At least 1.</param>
/// <param name="Power">Exponent. Default 1 (linear); greater than 0.</param>
public sealed record PolynomialSchedule(long DecaySteps, double Power = 1.0) : LearningRateScheduleSpec
{
    /// <inheritdoc />
    public override double Factor(long step, long totalSteps) =>
        Math.Pow(1.0 - (double)Math.Min(step, DecaySteps) / DecaySteps, Power);

    /// <inheritdoc />
    public override void Validate()
    {
        RequirePositive(DecaySteps, nameof(DecaySteps));
        if (!(Power > 0 && double.IsFinite(Power)))
            throw new ArgumentOutOfRangeException(nameof(Power), Power, "Power must be a finite number greater than 0.");
    }
}
