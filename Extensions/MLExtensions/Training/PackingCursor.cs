using System.Numerics.Tensors;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions;

/// <summary>A cursor over the feature, label and weight columns that reads each row checked: a feature vector of the wrong length or
/// with a NaN or infinite value, a missing or out-of-range label, or a bad weight throws, naming the column, the row and the data.</summary>
/// <remarks>Used by <see cref="DataPacker"/> to pack rows and by streamed training to read them chunk by chunk.</remarks>
internal sealed class PackingCursor : IDisposable
{
    private readonly DataViewRowCursor _cursor;
    private readonly ValueGetter<VBuffer<float>>? _features;
    private readonly ValueGetter<bool>? _boolLabel;
    private readonly ValueGetter<uint>? _keyLabel;
    private readonly ValueGetter<float>? _floatLabel;
    private readonly ValueGetter<float>? _weight;
    private readonly string _featureColumn;
    private readonly string _labelColumn;
    private readonly string? _weightColumn;
    private readonly int _featureCount;
    private readonly int _classCount;

    /// <summary>Opens an unshuffled cursor over the columns (the schema was checked by <see cref="DataPacker.CheckSchema"/>).</summary>
    /// <param name="data">The rows.</param>
    /// <param name="task">Decides the label's type.</param>
    /// <param name="featureColumn">The feature vector column.</param>
    /// <param name="labelColumn">The label column.</param>
    /// <param name="weightColumn">The example-weight column, or <c>null</c>.</param>
    /// <param name="featureCount">The feature vector's length.</param>
    /// <param name="classCount">The label key's count for multiclass.</param>
    /// <param name="optionName">The option that holds the data, for messages; <c>null</c> means the training data.</param>
    /// <param name="readFeatures">Whether the feature column is read (<c>false</c>: labels and weights only).</param>
    public PackingCursor(IDataView data, PredictionTask task, string featureColumn, string labelColumn, string? weightColumn, int featureCount,
                         int classCount, string? optionName, bool readFeatures = true)
    {
        _featureColumn = featureColumn;
        _labelColumn = labelColumn;
        _weightColumn = weightColumn;
        _featureCount = featureCount;
        _classCount = classCount;
        Where = optionName ?? "the training data";
        Parameter = optionName ?? "input"; // the Fit parameter that holds the training rows
        var featureCol = data.Schema[featureColumn];
        var labelCol = data.Schema[labelColumn];
        var columns = new List<DataViewSchema.Column> { labelCol };
        if (readFeatures) columns.Add(featureCol);
        DataViewSchema.Column? weightCol = weightColumn is null ? null : data.Schema[weightColumn];
        if (weightCol is { } wc) columns.Add(wc);
        _cursor = data.GetRowCursor(columns);
        _features = readFeatures ? _cursor.GetGetter<VBuffer<float>>(featureCol) : null;
        _boolLabel = task == PredictionTask.BinaryClassification ? _cursor.GetGetter<bool>(labelCol) : null;
        _keyLabel = task == PredictionTask.MulticlassClassification ? _cursor.GetGetter<uint>(labelCol) : null;
        _floatLabel = task == PredictionTask.Regression ? _cursor.GetGetter<float>(labelCol) : null;
        _weight = weightCol is { } w ? _cursor.GetGetter<float>(w) : null;
    }

    /// <summary>What messages call the data: "the training data" or the option's name.</summary>
    public string Where { get; }

    /// <summary>The parameter name of the exceptions: <c>input</c> or the option's name.</summary>
    public string Parameter { get; }

    /// <summary>Moves to the next row.</summary>
    public bool MoveNext() => _cursor.MoveNext();

    /// <summary>Reads the row's feature vector into <paramref name="buffer"/> and checks its length and values.</summary>
    /// <param name="buffer">Receives the vector, dense or sparse as the data holds it.</param>
    /// <param name="row">The row's position, for messages.</param>
    /// <exception cref="ArgumentException">The vector's length differs from the schema's, or a value is NaN or infinite.</exception>
    public void ReadFeatures(ref VBuffer<float> buffer, long row)
    {
        _features!(ref buffer);
        if (buffer.Length != _featureCount)
            throw new ArgumentException($"Feature column '{_featureColumn}' has a vector of length {buffer.Length} at row {row} of {Where}; expected {_featureCount}.", Parameter);
        var values = buffer.GetValues();
        // MaxMagnitude is NaN when a value is NaN and infinite when one is infinite: one vectorized pass for the common, clean row.
        if (values.Length == 0 || float.IsFinite(TensorPrimitives.MaxMagnitude(values))) return;
        for (int k = 0; k < values.Length; k++)
        {
            if (float.IsFinite(values[k])) continue;
            int slot = buffer.IsDense ? k : buffer.GetIndices()[k];
            throw new ArgumentException(
                $"Feature column '{_featureColumn}' has a {(float.IsNaN(values[k]) ? "NaN" : "infinite")} value at row {row}, slot {slot} of {Where}. " +
                "Replace missing values first (mlContext.Transforms.ReplaceMissingValues) or filter the rows.", Parameter);
        }
    }

    /// <summary>Reads and checks the row's label (0/1, the 0-based class, or the target) and weight (1 without a weight column).</summary>
    /// <param name="row">The row's position, for messages.</param>
    /// <exception cref="ArgumentException">A missing or out-of-range key, a non-finite target, or a weight that is not a finite number ≥ 0.</exception>
    public (float Label, float Weight) ReadLabelAndWeight(long row)
    {
        float label;
        if (_boolLabel is not null)
        {
            bool b = false;
            _boolLabel(ref b);
            label = b ? 1f : 0f;
        }
        else if (_keyLabel is not null)
        {
            uint key = 0;
            _keyLabel(ref key);
            if (key == 0 || key > _classCount)
                throw new ArgumentException(
                    $"Label column '{_labelColumn}' has key value {key} at row {row} of {Where}; expected 1..{_classCount} (0 means a missing label).", Parameter);
            label = key - 1;
        }
        else
        {
            float f = 0;
            _floatLabel!(ref f);
            if (!float.IsFinite(f))
                throw new ArgumentException($"Label column '{_labelColumn}' has a {(float.IsNaN(f) ? "NaN" : "infinite")} value at row {row} of {Where}.", Parameter);
            label = f;
        }

        float weight = 1;
        if (_weight is not null)
        {
            _weight(ref weight);
            if (!float.IsFinite(weight) || weight < 0)
                throw new ArgumentException($"Weight column '{_weightColumn}' has the value {weight} at row {row} of {Where}; expected a finite number >= 0.", Parameter);
        }
        return (label, weight);
    }

    /// <summary>Closes the cursor.</summary>
    public void Dispose() => _cursor.Dispose();
}
