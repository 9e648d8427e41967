namespace MLExtensions;

/// <summary>
/// The shape of a multilayer perceptron: <c>InputSize → [Linear → Normalization → Activation → Dropout] per hidden size → Linear → OutputSize</c>.
/// </summary>
/// <remarks>
/// Weight names (see <see cref="NamedTensorData"/>) follow the layer order: for hidden layer <c>i</c>,
/// <c>hidden.{i}.linear.weight</c> [out, in] and <c>hidden.{i}.linear.bias</c> [out];
/// with batch normalization <c>hidden.{i}.norm.weight</c>, <c>.bias</c>, <c>.running_mean</c>, <c>.running_var</c> [out];
/// with layer normalization <c>hidden.{i}.norm.weight</c>, <c>.bias</c> [out]; then <c>output.weight</c> [OutputSize, last]
/// and <c>output.bias</c> [OutputSize]. Dropout only acts in training.
/// </remarks>
/// <param name="InputSize">Number of input features.</param>
/// <param name="HiddenSizes">Units of each hidden layer, input side first. May be empty (a linear model).</param>
/// <param name="Activation">Hidden-layer nonlinearity.</param>
/// <param name="Normalization">Normalization layer after each hidden linear layer.</param>
/// <param name="Dropout">Dropout probability after each hidden activation, in [0, 1).</param>
/// <param name="OutputSize">Number of outputs (1 for regression and binary classification, the class count for multiclass).</param>
public sealed record MlpArchitecture(int InputSize, IReadOnlyList<int> HiddenSizes, ActivationKind Activation,
                                     NormalizationKind Normalization, double Dropout, int OutputSize)
{
    /// <summary>Epsilon of batch and layer normalization.</summary>
    public const double NormalizationEpsilon = 1e-5;

    /// <summary>Value equality including the hidden sizes.</summary>
    public bool Equals(MlpArchitecture? other) =>
        other is not null && InputSize == other.InputSize && HiddenSizes.SequenceEqual(other.HiddenSizes) &&
        Activation == other.Activation && Normalization == other.Normalization && Dropout.Equals(other.Dropout) &&
        OutputSize == other.OutputSize;

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(InputSize);
        foreach (int h in HiddenSizes) hash.Add(h);
        hash.Add(Activation);
        hash.Add(Normalization);
        hash.Add(Dropout);
        hash.Add(OutputSize);
        return hash.ToHashCode();
    }

    /// <summary>A readable summary such as <c>784-256-128-10 ReLU</c>.</summary>
    public override string ToString() =>
        $"{string.Join("-", new[] { InputSize }.Concat(HiddenSizes).Append(OutputSize))} {Activation}" +
        (Normalization == NormalizationKind.None ? "" : $" {Normalization}") + (Dropout > 0 ? $" dropout {Dropout}" : "");
}
