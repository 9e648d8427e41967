namespace MLExtensions;

/// <summary>The built-in <see cref="ILantonRateRule"/>s (forms A, B and C of the design notes), with their guards against H = 0.</summary>
public static class LantonRateRule
{
    /// <summary>The rule of <paramref name="form"/>.</summary>
    /// <param name="form">Which form.</param>
    /// <param name="epsilon">Forms A and B: added to every H as a fraction of the group's largest H (so a noise-free layer does
    /// not freeze the others: ratios stay ≥ √epsilon); form C: added to H as is. Greater than 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">Unknown form, or epsilon not positive and finite.</exception>
    public static ILantonRateRule For(LantonRateForm form, double epsilon)
    {
        if (!(epsilon > 0) || double.IsInfinity(epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "Epsilon must be a finite number greater than 0.");
        return form switch
        {
            LantonRateForm.GroupMinimum => new Relative(epsilon, useMinimum: true),
            LantonRateForm.GroupMaximum => new Relative(epsilon, useMinimum: false),
            LantonRateForm.InverseSquareRoot => new InverseRoot(epsilon),
            _ => throw new ArgumentOutOfRangeException(nameof(form), form, $"Allowed: {string.Join(", ", Enum.GetNames<LantonRateForm>())}."),
        };
    }

    private sealed class Relative(double epsilon, bool useMinimum) : ILantonRateRule
    {
        public void Ratios(ReadOnlySpan<double> noise, Span<double> ratios)
        {
            double min = double.PositiveInfinity, max = 0;
            foreach (double h in noise)
            {
                min = Math.Min(min, h);
                max = Math.Max(max, h);
            }
            double guard = epsilon * max;
            for (int i = 0; i < noise.Length; i++)
                ratios[i] = max > 0 ? Math.Sqrt(((useMinimum ? min : max) + guard) / (noise[i] + guard)) : 1.0;
        }
    }

    private sealed class InverseRoot(double epsilon) : ILantonRateRule
    {
        public void Ratios(ReadOnlySpan<double> noise, Span<double> ratios)
        {
            for (int i = 0; i < noise.Length; i++)
                ratios[i] = 1 / Math.Sqrt(noise[i] + epsilon);
        }
    }
}
