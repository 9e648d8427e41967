using Microsoft.ML;

namespace MLExtensions;

/// <summary>
/// Options every MLExtensions trainer shares (the neural and GBNN trainers): the columns, the example weights, validation and the seed,
/// in the role of ML.NET's <c>TrainerInputBaseWithWeight</c> (whose constructor an external library cannot reach).
/// </summary>
public abstract class TrainerOptionsBase
{
    /// <summary>Name of the feature column: a known-size vector of Single.</summary>
    /// <value>Default <c>Features</c>.</value>
    public string FeatureColumnName { get; set; } = ColumnNames.Features;

    /// <summary>Name of the label column (Boolean for binary, a key for multiclass, Single for regression).</summary>
    /// <value>Default <c>Label</c>.</value>
    public string LabelColumnName { get; set; } = ColumnNames.Label;

    /// <summary>Name of an optional example-weight column (Single, at least 0; not every weight 0). A row's loss counts in proportion to
    /// its weight, so a weight of 0 is the same as leaving the row out.</summary>
    /// <value>Default <c>null</c>: every row weighs 1.</value>
    public string? ExampleWeightColumnName { get; set; }

    /// <summary>Share of the training rows held out (seeded, stratified for classification) to measure the validation loss.</summary>
    /// <value>Default 0.1. In [0, 0.5]; ignored when <see cref="ValidationData"/> is set or <c>Fit(trainData, validationData)</c> is
    /// given a validation set; 0 disables validation.</value>
    public double ValidationFraction { get; set; } = 0.1;

    /// <summary>A separate validation set with the same columns as the training data; its rows are never trained on. The same as
    /// passing it to <c>Fit(trainData, validationData)</c> (give it in one place only).</summary>
    /// <value>Default <c>null</c>: use <see cref="ValidationFraction"/>.</value>
    public IDataView? ValidationData { get; set; }

    /// <summary>Seed of every random draw of a fit (initialization, shuffling or subsampling, dropout, the validation split). Each fit
    /// draws from its own generators seeded with this value, never a process-wide one, so fits running side by side give the same models
    /// as when run one after the other.</summary>
    /// <value>Default <c>null</c>: a trainer made from an ML.NET catalog takes the next seed of that catalog's <see cref="MLContext"/> when it
    /// is made, as ML.NET's own trainers do (so <c>new MLContext(seed: 1)</c> reproduces a script, <c>new MLContext()</c> does not); a
    /// trainer constructed directly draws one at each fit. Either way the seed is reported on the model for replay.</value>
    public int? Seed { get; set; }

    /// <summary>Checks every option; throws <see cref="ArgumentOutOfRangeException"/> or <see cref="ArgumentException"/> whose
    /// <see cref="ArgumentException.ParamName"/> is the option's name. Derived options call this first.</summary>
    public virtual void Validate()
    {
        RequireName(FeatureColumnName, nameof(FeatureColumnName));
        RequireName(LabelColumnName, nameof(LabelColumnName));
        if (ExampleWeightColumnName is not null) RequireName(ExampleWeightColumnName, nameof(ExampleWeightColumnName));
        if (!(ValidationFraction >= 0 && ValidationFraction <= 0.5))
            throw new ArgumentOutOfRangeException(nameof(ValidationFraction), ValidationFraction, "ValidationFraction must be in [0, 0.5].");
    }

    private static void RequireName(string? value, string option)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new ArgumentException($"{option} must name a column.", option);
    }
}
