/// <summary>One row of features (the attacked copies of the test rows).</summary>
internal sealed class FeatureRow
{
    /// <summary>The standardized features.</summary>
    public float[] Features { get; set; } = [];
}
