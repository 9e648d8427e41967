using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions;

/// <summary>
/// The row-by-row scorer shared by the prediction transformers (the neural network's and the adaptive-smoothing composite's): a
/// fitted <c>CustomMapping</c> that turns one row's raw outputs into ML.NET's score columns, as <see cref="BatchScoringDataView"/>
/// does for blocks (binary: the logit as <c>Score</c>, its clamped sigmoid and the label; multiclass: softmax and the key of the
/// best class; regression: the value).
/// </summary>
internal static class ScoreColumnMapping
{
    /// <summary>Builds the scorer; it keeps no reference to any training data (it is fitted on an empty view).</summary>
    /// <param name="task">Which columns to add.</param>
    /// <param name="featureColumnName">The feature column read.</param>
    /// <param name="featureType">Its type, a known-size vector of Single.</param>
    /// <param name="outputSize">Raw outputs per row (the class count for multiclass).</param>
    /// <param name="labelAnnotations">The label's detached annotations (its key values), multiclass only.</param>
    /// <param name="classNames">The class names in key order, multiclass only.</param>
    /// <param name="forwardRow">Maps one row's features (dense or sparse, as the input holds them) to its raw outputs (NaN for a row to
    /// score as missing).</param>
    public static ITransformer Create(PredictionTask task, string featureColumnName, VectorDataViewType featureType, int outputSize,
                                      DataViewSchema.Annotations? labelAnnotations, IReadOnlyList<string>? classNames,
                                      Func<VBuffer<float>, float[]> forwardRow)
    {
        var ml = new MLContext();
        var schema = new DataViewSchema.Builder();
        schema.AddColumn(featureColumnName, featureType);
        var schemaSource = new EmptyDataView(schema.ToSchema());
        var input = SchemaDefinition.Create(typeof(FeatureVectorRow));
        // Look the column up once: after renaming, the indexer no longer finds it under "Features".
        var features = input[nameof(FeatureVectorRow.Features)];
        features.ColumnName = featureColumnName;
        features.ColumnType = featureType;
        switch (task)
        {
            case PredictionTask.BinaryClassification:
                return ml.Transforms.CustomMapping<FeatureVectorRow, BinaryScoreRow>((row, output) =>
                {
                    float logit = forwardRow(row.Features)[0];
                    output.Score = logit;
                    output.Probability = ScoreMath.Sigmoid(logit);
                    output.PredictedLabel = output.Probability > 0.5f;
                }, contractName: null, inputSchemaDefinition: input).Fit(schemaSource);
            case PredictionTask.Regression:
                return ml.Transforms.CustomMapping<FeatureVectorRow, RegressionScoreRow>(
                    (row, output) => output.Score = forwardRow(row.Features)[0],
                    contractName: null, inputSchemaDefinition: input).Fit(schemaSource);
            default:
                int classes = outputSize;
                var outputDefinition = SchemaDefinition.Create(typeof(MulticlassScoreRow));
                var score = outputDefinition[nameof(MulticlassScoreRow.Score)];
                score.ColumnType = new VectorDataViewType(NumberDataViewType.Single, classes);
                var predicted = outputDefinition[nameof(MulticlassScoreRow.PredictedLabel)];
                predicted.ColumnType = new KeyDataViewType(typeof(uint), classes);
                if (KeyValuesAnnotation.TypeOf(labelAnnotations) is { } keyValuesType)
                {
                    // The predicted key carries the label's key values with their own type, as ML.NET's trainers do.
                    KeyValuesAnnotation.CopyTo(labelAnnotations, predicted);
                    if (keyValuesType.ItemType is TextDataViewType && classNames is { } names)
                        score.AddAnnotation("SlotNames", new VBuffer<ReadOnlyMemory<char>>(names.Count, names.Select(n => n.AsMemory()).ToArray()), keyValuesType);
                }
                return ml.Transforms.CustomMapping<FeatureVectorRow, MulticlassScoreRow>((row, output) =>
                {
                    float[] logits = forwardRow(row.Features);
                    var probabilities = new float[logits.Length];
                    int best = ScoreMath.Softmax(logits, probabilities);
                    output.Score = probabilities;
                    // CustomMapping stores a key-typed uint field as 0-based (it adds 1 when it writes the key column), so the
                    // missing key 0 is uint.MaxValue here (best = -1).
                    output.PredictedLabel = unchecked((uint)best);
                }, contractName: null, inputSchemaDefinition: input, outputSchemaDefinition: outputDefinition).Fit(schemaSource);
        }
    }
}
