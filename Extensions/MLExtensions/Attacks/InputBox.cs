using Microsoft.ML;
using Microsoft.ML.Data;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// The valid input range of every feature (for images, [0, 1] pixels): attacks clip each perturbed feature to it. Give it as bounds,
/// one pair for all features (<see cref="Uniform"/>) or one per feature, or learn it from the training data's per-feature minimum
/// and maximum (<see cref="FromData"/>).
/// </summary>
/// <remarks>A clean feature already outside the box is never moved further out: an attack clips coordinate i to
/// [min(lowerᵢ, xᵢ), max(upperᵢ, xᵢ)], so the perturbation always stays inside its ε-ball.</remarks>
public sealed class InputBox
{
    private readonly float[] _lower;
    private readonly float[] _upper;

    /// <summary>A box with one bound pair per feature.</summary>
    /// <param name="lower">Lower bound of each feature; −∞ leaves a side open.</param>
    /// <param name="upper">Upper bound of each feature, at least the lower one; +∞ leaves a side open.</param>
    /// <exception cref="ArgumentException">The lists are empty or differ in length, a bound is NaN, or a lower bound exceeds its upper bound.</exception>
    public InputBox(IReadOnlyList<float> lower, IReadOnlyList<float> upper)
        : this(lower?.ToArray() ?? throw new ArgumentNullException(nameof(lower)),
               upper?.ToArray() ?? throw new ArgumentNullException(nameof(upper)), perFeature: true)
    {
    }

    private InputBox(float[] lower, float[] upper, bool perFeature)
    {
        if (lower.Length == 0) throw new ArgumentException("The box needs at least one feature's bounds.", nameof(lower));
        if (lower.Length != upper.Length)
            throw new ArgumentException($"The box has {lower.Length} lower bounds but {upper.Length} upper bounds; give one pair per feature.", nameof(upper));
        for (int i = 0; i < lower.Length; i++)
        {
            if (float.IsNaN(lower[i])) throw new ArgumentException($"Lower bound {i} is NaN.", nameof(lower));
            if (float.IsNaN(upper[i])) throw new ArgumentException($"Upper bound {i} is NaN.", nameof(upper));
            if (lower[i] > upper[i])
                throw new ArgumentException($"Lower bound {i} ({lower[i]}) exceeds upper bound {i} ({upper[i]}): each minimum must be at most its maximum.", nameof(lower));
        }
        _lower = lower;
        _upper = upper;
        FeatureCount = perFeature ? lower.Length : null;
    }

    /// <summary>The same bounds for every feature, whatever their count.</summary>
    /// <param name="min">Lower bound of every feature.</param>
    /// <param name="max">Upper bound of every feature, at least <paramref name="min"/>.</param>
    /// <exception cref="ArgumentException">A bound is NaN or <paramref name="min"/> exceeds <paramref name="max"/>.</exception>
    public static InputBox Uniform(float min, float max)
    {
        if (float.IsNaN(min)) throw new ArgumentException("The minimum is NaN.", nameof(min));
        if (float.IsNaN(max)) throw new ArgumentException("The maximum is NaN.", nameof(max));
        if (min > max) throw new ArgumentException($"The minimum ({min}) exceeds the maximum ({max}).", nameof(min));
        return new InputBox([min], [max], perFeature: false);
    }

    /// <summary>No bounds: (−∞, +∞) for every feature.</summary>
    public static InputBox Unbounded { get; } = Uniform(float.NegativeInfinity, float.PositiveInfinity);

    /// <summary>The per-feature minimum and maximum of <paramref name="featureColumnName"/> over the rows of <paramref name="data"/>
    /// (use the training data).</summary>
    /// <param name="data">The rows.</param>
    /// <param name="featureColumnName">A known-size vector of Single.</param>
    /// <exception cref="ArgumentException">The column is missing or not a known-size Single vector, the data has no row, or a value is NaN or ±∞.</exception>
    public static InputBox FromData(IDataView data, string featureColumnName = ColumnNames.Features)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(featureColumnName);
        var column = data.Schema.GetColumnOrNull(featureColumnName)
            ?? throw new ArgumentException($"The feature column '{featureColumnName}' was not found in the data.", nameof(featureColumnName));
        if (column.Type is not VectorDataViewType { ItemType: var item, Size: > 0 } vector || item != NumberDataViewType.Single)
            throw new ArgumentException(
                $"Schema mismatch for feature column '{featureColumnName}': expected a known-size vector of Single, got {column.Type}.", nameof(featureColumnName));
        int d = vector.Size;
        var lower = Enumerable.Repeat(float.PositiveInfinity, d).ToArray();
        var upper = Enumerable.Repeat(float.NegativeInfinity, d).ToArray();
        long rows = 0;
        using (var cursor = data.GetRowCursor([column]))
        {
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            var buffer = default(VBuffer<float>);
            var dense = new float[d];
            while (cursor.MoveNext())
            {
                getter(ref buffer);
                buffer.CopyTo(dense);
                for (int i = 0; i < d; i++)
                {
                    float v = dense[i];
                    if (!float.IsFinite(v))
                        throw new ArgumentException($"Feature {i} of row {rows} of column '{featureColumnName}' is {v}; the box is learned from finite values only.", nameof(data));
                    if (v < lower[i]) lower[i] = v;
                    if (v > upper[i]) upper[i] = v;
                }
                rows++;
            }
        }
        if (rows == 0) throw new ArgumentException("The data has no row to learn the box from.", nameof(data));
        return new InputBox(lower, upper, perFeature: true);
    }

    /// <summary>The number of features this box bounds; <c>null</c> for a <see cref="Uniform"/> box, which fits any count.</summary>
    public int? FeatureCount { get; }

    /// <summary>The lower bounds (one value for a <see cref="Uniform"/> box).</summary>
    public IReadOnlyList<float> Lower => _lower;

    /// <summary>The upper bounds (one value for a <see cref="Uniform"/> box).</summary>
    public IReadOnlyList<float> Upper => _upper;

    /// <summary>Throws when this box does not fit <paramref name="featureCount"/> features.</summary>
    internal void CheckFeatureCount(int featureCount, string parameterName)
    {
        if (FeatureCount is { } count && count != featureCount)
            throw new ArgumentException($"The input box bounds {count} features but the model reads {featureCount}.", parameterName);
    }

    /// <summary>The bounds as [1, featureCount] float32 tensors on <paramref name="device"/> (in the caller's dispose scope).</summary>
    internal (Tensor Lower, Tensor Upper) ToTensors(int featureCount, Device device)
    {
        var lower = FeatureCount is null ? Enumerable.Repeat(_lower[0], featureCount).ToArray() : _lower;
        var upper = FeatureCount is null ? Enumerable.Repeat(_upper[0], featureCount).ToArray() : _upper;
        return (tensor(lower, [1, featureCount]).to(device), tensor(upper, [1, featureCount]).to(device));
    }

    /// <inheritdoc />
    public override string ToString() => FeatureCount is null ? $"[{_lower[0]}, {_upper[0]}]" : $"{FeatureCount} per-feature bounds";
}
