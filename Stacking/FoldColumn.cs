using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions;

/// <summary>
/// Reads and checks a fold column: a scalar integer (signed or unsigned), key, Single or Double column holding each row's fold as a
/// whole number ≥ 0 (a key's folds are its values 1 … count; the missing key 0 is rejected), with at least 2 distinct folds.
/// </summary>
internal static class FoldColumn
{
    public const string Allowed = "a scalar integer, key, Single or Double column";

    /// <summary>Each row's fold, renumbered 0 … K − 1 in increasing order of the column's values.</summary>
    public static int[] Read(IDataView data, string column)
    {
        var col = data.Schema.GetColumnOrNull(column)
            ?? throw new ArgumentException($"Schema mismatch for fold column '{column}': column not found.", nameof(data));
        var type = col.Type;
        var raw = type.RawType;
        bool key = type is KeyDataViewType;
        if (!key && !IsNumber(type))
        {
            throw new ArgumentException($"Schema mismatch for fold column '{column}': expected {Allowed}, got {type}.", nameof(data));
        }

        long[] values;
        if (raw == typeof(float) || raw == typeof(double))
        {
            var doubles = raw == typeof(float) ? data.GetColumn<float>(col).Select(v => (double)v).ToArray() : data.GetColumn<double>(col).ToArray();
            values = new long[doubles.Length];
            for (int i = 0; i < doubles.Length; i++)
            {
                double v = doubles[i];
                if (!double.IsFinite(v) || v != Math.Floor(v) || Math.Abs(v) > 1e15)
                {
                    throw new ArgumentException($"The fold column '{column}' has a value that is not a whole number ({v}) at row {i}; folds are integers >= 0.", nameof(data));
                }

                values[i] = (long)v;
            }
        }
        else if (raw == typeof(ulong))
        {
            values = data.GetColumn<ulong>(col).Select((v, i) => v <= long.MaxValue ? (long)v
                : throw new ArgumentException($"The fold column '{column}' has a value too large for a fold ({v}) at row {i}.", nameof(data))).ToArray();
        }
        else
        {
            values = raw == typeof(int) ? data.GetColumn<int>(col).Select(v => (long)v).ToArray()
                : raw == typeof(long) ? data.GetColumn<long>(col).ToArray()
                : raw == typeof(short) ? data.GetColumn<short>(col).Select(v => (long)v).ToArray()
                : raw == typeof(sbyte) ? data.GetColumn<sbyte>(col).Select(v => (long)v).ToArray()
                : raw == typeof(uint) ? data.GetColumn<uint>(col).Select(v => (long)v).ToArray()
                : raw == typeof(ushort) ? data.GetColumn<ushort>(col).Select(v => (long)v).ToArray()
                : data.GetColumn<byte>(col).Select(v => (long)v).ToArray();
        }

        if (key)
        {
            for (int i = 0; i < values.Length; i++)
            {
                if (values[i] == 0)
                {
                    throw new ArgumentException($"The fold column '{column}' has a missing key at row {i}; every row needs a fold.", nameof(data));
                }
            }
        }

        if (values.Length == 0)
        {
            throw new ArgumentException("The training data has no rows.", nameof(data));
        }

        return StackingData.CheckFolds(values, values.Length, $"The fold column '{column}'", nameof(data));
    }

    /// <summary>Checks the fold column of a schema shape (present, scalar, an allowed type).</summary>
    public static void CheckShape(SchemaShape input, string column)
    {
        var col = input.FirstOrDefault(c => c.Name == column);
        if (col.Name is null)
        {
            throw new ArgumentException($"Schema mismatch for fold column '{column}': column not found.", nameof(input));
        }

        if (col.Kind != SchemaShape.Column.VectorKind.Scalar || !(col.IsKey || IsNumber(col.ItemType)))
        {
            throw new ArgumentException(
                $"Schema mismatch for fold column '{column}': expected {Allowed}, got {col.ItemType}{(col.Kind == SchemaShape.Column.VectorKind.Scalar ? "" : " vector")}.", nameof(input));
        }
    }

    private static bool IsNumber(DataViewType type) => type is NumberDataViewType;
}
