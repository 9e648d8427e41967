using System.Globalization;
using Microsoft.ML.Data;

namespace MLExtensions.Benchmarks.Stacking;

/// <summary>One diamond: 10 numeric features (ordinal codes for cut, color, clarity) and Label = ln(price).</summary>
public sealed class Diamond
{
    [VectorType(10)]
    public float[] Features { get; set; } = [];

    public float Label { get; set; }

    private static readonly string[] Cuts = ["Fair", "Good", "Very Good", "Premium", "Ideal"];
    private static readonly string[] Colors = ["J", "I", "H", "G", "F", "E", "D"];
    private static readonly string[] Clarities = ["I1", "SI2", "SI1", "VS2", "VS1", "VVS2", "VVS1", "IF"];

    /// <summary>Reads a diamonds CSV (carat,cut,color,clarity,depth,table,price,x,y,z).</summary>
    public static List<Diamond> Load(string path)
    {
        var rows = new List<Diamond>();
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var p = line.Split(',');
            float F(int i) => float.Parse(p[i], CultureInfo.InvariantCulture);
            float carat = F(0);
            rows.Add(new Diamond
            {
                Features =
                [
                    carat, MathF.Log(carat), Array.IndexOf(Cuts, p[1]), Array.IndexOf(Colors, p[2]), Array.IndexOf(Clarities, p[3]),
                    F(4), F(5), F(7), F(8), F(9),
                ],
                Label = MathF.Log(F(6)),
            });
        }

        return rows;
    }
}
