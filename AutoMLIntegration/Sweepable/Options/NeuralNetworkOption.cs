namespace MLExtensions.AutoML;

/// <summary>
/// The sampled settings of a neural trainer in its default space (see <see cref="AutoMLCatalog"/>'s neural sweepables):
/// the optimizer and schedule are one-of parameters turned into specs by the catalog.
/// </summary>
public sealed class NeuralNetworkOption
{
    /// <summary>Rows per step.</summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>Passes over the data.</summary>
    public int Epochs { get; set; } = 50;

    /// <summary>Units of every hidden layer.</summary>
    public int HiddenWidth { get; set; } = 64;

    /// <summary>Hidden layers.</summary>
    public int HiddenDepth { get; set; } = 2;

    /// <summary>Dropout after each hidden layer.</summary>
    public double Dropout { get; set; } = 0.1;

    /// <summary>The trainer's L2 weight decay (besides the optimizer's own).</summary>
    public double WeightDecay { get; set; }

    /// <summary>Hidden-layer normalization.</summary>
    public NormalizationKind Normalization { get; set; }

    /// <summary>Hidden-layer activation.</summary>
    public ActivationKind Activation { get; set; }
}
