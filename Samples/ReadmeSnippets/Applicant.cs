namespace ReadmeSnippets;

/// <summary>A synthetic row with the two numeric columns of the MLExtensions package snippet.</summary>
public sealed class Applicant
{
    public float Age { get; set; }
    public float Income { get; set; }
    public bool Label { get; set; }

    /// <summary>Seeded rows: the label depends on both columns, not linearly.</summary>
    public static List<Applicant> Generate(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            float age = 18 + (float)random.NextDouble() * 60, income = 10 + (float)random.NextDouble() * 90;
            return new Applicant { Age = age, Income = income, Label = (age - 45) * (income - 50) + 200 * (random.NextDouble() - 0.5) > 0 };
        }).ToList();
    }
}
