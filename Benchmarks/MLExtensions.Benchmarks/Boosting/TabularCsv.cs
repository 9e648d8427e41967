using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions.Benchmarks.Boosting;

/// <summary>
/// Reads a shared CSV with categorical and numeric columns into a Features vector: a column is categorical when a training value
/// does not parse as a number; it becomes one indicator per training level (a level seen only in test gives all zeros). An empty
/// numeric field is replaced by the training mean of its column. Used for wa_churn and ames, which the other loaders do not read.
/// </summary>
internal static class TabularCsv
{
    /// <summary>A row with a Boolean label.</summary>
    public sealed class BinaryRow
    {
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }

    /// <summary>A row with a Single label.</summary>
    public sealed class RegressionRow
    {
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }

    /// <summary>Train and test as (features, label) pairs, featurized with the training levels and means.</summary>
    public static (List<(float[] X, float Y)> Train, List<(float[] X, float Y)> Test) Load(string folder, string label)
    {
        string[] Header(string file) => File.ReadLines(Path.Combine(folder, file)).First().Split(',');
        List<string[]> Rows(string file) => File.ReadLines(Path.Combine(folder, file)).Skip(1).Select(l => l.Split(',')).ToList();
        var header = Header("train.csv");
        if (!Header("test.csv").SequenceEqual(header))
            throw new InvalidDataException($"'{folder}': train.csv and test.csv have different headers.");
        int labelIndex = Array.IndexOf(header, label);
        if (labelIndex < 0) throw new InvalidDataException($"'{folder}/train.csv' has no column '{label}'.");
        var train = Rows("train.csv");
        var test = Rows("test.csv");
        static bool IsNumber(string s) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
        var encoders = new List<Func<string[], IEnumerable<float>>>();
        for (int c = 0; c < header.Length; c++)
        {
            if (c == labelIndex) continue;
            int column = c;
            if (train.All(r => r[column].Length == 0 || IsNumber(r[column])))
            {
                var present = train.Where(r => r[column].Length > 0).Select(r => double.Parse(r[column], CultureInfo.InvariantCulture)).ToList();
                float mean = (float)present.Average();
                encoders.Add(r => [r[column].Length == 0 ? mean : float.Parse(r[column], CultureInfo.InvariantCulture)]);
            }
            else
            {
                var levels = train.Select(r => r[column]).Distinct().Order(StringComparer.Ordinal).ToArray();
                encoders.Add(r => levels.Select(level => level == r[column] ? 1f : 0f));
            }
        }

        List<(float[] X, float Y)> Encode(List<string[]> rows) =>
            rows.Select(r => (encoders.SelectMany(e => e(r)).ToArray(), float.Parse(r[labelIndex], CultureInfo.InvariantCulture))).ToList();
        return (Encode(train), Encode(test));
    }

    /// <summary>
    /// Keeps every negative and a seeded random subset of the positives so that positives are <paramref name="share"/> of the rows.
    /// </summary>
    public static List<(float[] X, float Y)> SubsamplePositives(List<(float[] X, float Y)> rows, double share, int seed)
    {
        var negatives = rows.Where(r => r.Y == 0).ToList();
        var positives = rows.Where(r => r.Y != 0).ToArray();
        new Random(seed).Shuffle(positives);
        int keep = (int)Math.Round(negatives.Count * share / (1 - share));
        // Original order of the kept rows, so the data is not sorted by label.
        var kept = positives.Take(keep).ToHashSet();
        return rows.Where(r => r.Y == 0 || kept.Contains(r)).ToList();
    }

    /// <summary>A data view with a Boolean label (nonzero = true).</summary>
    public static IDataView Binary(MLContext ml, List<(float[] X, float Y)> rows) =>
        ml.Data.LoadFromEnumerable(rows.Select(r => new BinaryRow { Features = r.X, Label = r.Y != 0 }), Schema<BinaryRow>(rows[0].X.Length));

    /// <summary>A data view with a Single label.</summary>
    public static IDataView Regression(MLContext ml, List<(float[] X, float Y)> rows) =>
        ml.Data.LoadFromEnumerable(rows.Select(r => new RegressionRow { Features = r.X, Label = r.Y }), Schema<RegressionRow>(rows[0].X.Length));

    private static SchemaDefinition Schema<T>(int features)
    {
        var schema = SchemaDefinition.Create(typeof(T));
        schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, features);
        return schema;
    }
}
