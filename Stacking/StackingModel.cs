
namespace MLExtensions;

/// <summary>
/// A fitted combiner of base-model predictions: which inputs it reads, whether it appends <see cref="MetaFeatures"/>, and a blend of
/// linear components. Every combiner in this library (averages, ridge stacking, ensemble selection, the regularized pipeline) fits
/// into this form, which is what the ML.NET transformers evaluate and what ONNX export would write.
/// </summary>
public sealed class StackingModel
{
    /// <summary>Creates a model.</summary>
    /// <param name="inputNames">Names of all base models the model was fitted on (in input order).</param>
    /// <param name="selectedInputs">Indices of the inputs the components read, in feature order.</param>
    /// <param name="usesMetaFeatures">Whether the six meta-features of the selected inputs follow them.</param>
    /// <param name="components">Blended components (weights sum to 1).</param>
    /// <param name="link">How component outputs are combined.</param>
    public StackingModel(
        IReadOnlyList<string> inputNames, IReadOnlyList<int> selectedInputs, bool usesMetaFeatures,
        IReadOnlyList<StackingComponent> components, StackingLink link = StackingLink.Identity)
    {
        ArgumentNullException.ThrowIfNull(inputNames);
        ArgumentNullException.ThrowIfNull(selectedInputs);
        ArgumentNullException.ThrowIfNull(components);
        if (components.Count == 0)
        {
            throw new ArgumentException("At least one component is required.", nameof(components));
        }

        int features = selectedInputs.Count + (usesMetaFeatures ? MetaFeatures.Count : 0);
        foreach (var c in components)
        {
            if (c.Model.Coefficients.Count != features)
            {
                throw new ArgumentException($"Component '{c.Name}' has {c.Model.Coefficients.Count} coefficients, expected {features}.", nameof(components));
            }
        }

        InputNames = inputNames.ToArray();
        SelectedInputs = selectedInputs.ToArray();
        UsesMetaFeatures = usesMetaFeatures;
        Components = components.ToArray();
        Link = link;
    }

    /// <summary>Names of all base models, in input order.</summary>
    public IReadOnlyList<string> InputNames { get; }

    /// <summary>Indices of the inputs the components read.</summary>
    public IReadOnlyList<int> SelectedInputs { get; }

    /// <summary>Whether meta-features are appended to the selected inputs.</summary>
    public bool UsesMetaFeatures { get; }

    /// <summary>The blended components.</summary>
    public IReadOnlyList<StackingComponent> Components { get; }

    /// <summary>How component outputs are combined.</summary>
    public StackingLink Link { get; }

    /// <summary>Diagnostics of the fit (redundancy report, timings), if the combiner produced them.</summary>
    public StackingDiagnostics? Diagnostics { get; init; }

    /// <summary>Number of features each component reads.</summary>
    public int FeatureCount => SelectedInputs.Count + (UsesMetaFeatures ? MetaFeatures.Count : 0);

    /// <summary>
    /// For <see cref="StackingLink.Identity"/>, the blend collapsed into one linear model over the features (the blend of linear
    /// models is linear); null for the logistic link.
    /// </summary>
    public LinearModel? CombinedLinearModel
    {
        get
        {
            if (Link != StackingLink.Identity)
            {
                return null;
            }

            var w = new double[FeatureCount];
            double b = 0;
            foreach (var c in Components)
            {
                b += c.BlendWeight * c.Model.Intercept;
                for (int j = 0; j < w.Length; j++)
                {
                    w[j] += c.BlendWeight * c.Model.Coefficients[j];
                }
            }

            return new LinearModel(w, b);
        }
    }

    /// <summary>Writes the component features (selected inputs, then meta-features) of one row of base predictions.</summary>
    /// <param name="basePredictions">One value per input, in input order.</param>
    /// <param name="features">Destination of <see cref="FeatureCount"/> values.</param>
    public void Features(ReadOnlySpan<double> basePredictions, Span<double> features)
    {
        if (basePredictions.Length != InputNames.Count)
        {
            throw new ArgumentException($"Expected {InputNames.Count} base predictions, got {basePredictions.Length}.", nameof(basePredictions));
        }

        int k = SelectedInputs.Count;
        for (int j = 0; j < k; j++)
        {
            features[j] = basePredictions[SelectedInputs[j]];
        }

        if (UsesMetaFeatures)
        {
            MetaFeatures.Compute(features[..k], features.Slice(k, MetaFeatures.Count));
        }
    }

    /// <summary>
    /// Predicts one row: the blended value for <see cref="StackingLink.Identity"/>, the blended probability for
    /// <see cref="StackingLink.Logistic"/>.
    /// </summary>
    /// <param name="basePredictions">One value per input, in input order.</param>
    /// <returns>The prediction.</returns>
    public double Predict(ReadOnlySpan<double> basePredictions)
    {
        Span<double> features = FeatureCount <= 512 ? stackalloc double[FeatureCount] : new double[FeatureCount];
        Features(basePredictions, features);
        double result = 0;
        foreach (var c in Components)
        {
            double z = c.Model.Predict(features);
            result += c.BlendWeight * (Link == StackingLink.Logistic ? Sigmoid(z) : z);
        }

        return result;
    }

    /// <summary>Predicts every row of a matrix whose columns are the inputs in order.</summary>
    /// <param name="predictions">Base predictions.</param>
    /// <returns>One prediction per row.</returns>
    public double[] Predict(PredictionMatrix predictions)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        var result = new double[predictions.Rows];
        var row = new double[predictions.Count];
        for (int i = 0; i < result.Length; i++)
        {
            for (int k = 0; k < row.Length; k++)
            {
                row[k] = predictions.Columns[k][i];
            }

            result[i] = Predict(row);
        }

        return result;
    }

    internal static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));
}
