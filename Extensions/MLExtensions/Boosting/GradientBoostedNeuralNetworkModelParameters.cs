
namespace MLExtensions;

/// <summary>
/// A trained GBNN: the initial score and every boosting step. The steps together are one network with a single hidden layer of
/// T·J units (<see cref="ToNetwork"/>); keeping only the first steps switches off the last-trained units (<see cref="PredictRaw"/>
/// and <see cref="ToNetwork"/> with a step count).
/// </summary>
public sealed class GradientBoostedNeuralNetworkModelParameters
{
    internal GradientBoostedNeuralNetworkModelParameters(PredictionTask task, int inputSize, ActivationKind activation, IReadOnlyList<double> initialScore,
                                                         IReadOnlyList<BoostingStep> steps, int seed, IReadOnlyList<string>? classNames,
                                                         int? stepsTrained = null)
    {
        Task = task;
        InputSize = inputSize;
        Activation = activation;
        InitialScore = initialScore;
        Steps = steps;
        Seed = seed;
        ClassNames = classNames;
        StepsTrained = stepsTrained ?? steps.Count;
    }

    /// <summary>The task.</summary>
    public PredictionTask Task { get; }

    /// <summary>Number of input features.</summary>
    public int InputSize { get; }

    /// <summary>The hidden activation of every step.</summary>
    public ActivationKind Activation { get; }

    /// <summary>F0: the mean of the training target (regression), half the log-odds of the base rate (binary), or zeros (multiclass), one per output.</summary>
    public IReadOnlyList<double> InitialScore { get; }

    /// <summary>
    /// The boosting steps in training order. With validation, only the steps up to the lowest validation loss (the best prefix);
    /// the later ones of <see cref="StepsTrained"/> are dropped.
    /// </summary>
    public IReadOnlyList<BoostingStep> Steps { get; }

    /// <summary>How many steps training ran before it stopped (early, or after all of them); at least <see cref="Steps"/>' count.</summary>
    public int StepsTrained { get; }

    /// <summary>The L-BFGS work training did, summed over every trained step (not saved with the model; zero for a loaded one).</summary>
    internal LbfgsWork Work { get; init; }

    /// <summary>Hidden units added per step (J).</summary>
    public int UnitsPerStep => Steps[0].HiddenBias.Count;

    /// <summary>Outputs per row: 1, or the class count.</summary>
    public int OutputSize => InitialScore.Count;

    /// <summary>The seed training used.</summary>
    public int Seed { get; }

    /// <summary>Multiclass: the label's key values as text, in key order; otherwise null.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>
    /// The raw scores F(x) = F0 + Σ_{t ≤ steps} ρ_t h_t(x), in double precision: the regression value, the binary half-logit
    /// (P(true) = sigmoid(2F)) or the class scores (softmax gives the probabilities).
    /// </summary>
    /// <param name="features">One row of <see cref="InputSize"/> features.</param>
    /// <param name="steps">How many steps to use; null for all.</param>
    public double[] PredictRaw(ReadOnlySpan<float> features, int? steps = null)
    {
        if (features.Length != InputSize)
            throw new ArgumentException($"Expected {InputSize} features, got {features.Length}.", nameof(features));
        int used = CheckSteps(steps);
        var scores = InitialScore.ToArray();
        int units = UnitsPerStep, k = OutputSize;
        var hidden = new double[units];
        for (int t = 0; t < used; t++)
        {
            var step = Steps[t];
            for (int j = 0; j < units; j++)
            {
                double z = step.HiddenBias[j];
                for (int i = 0; i < InputSize; i++)
                {
                    z += step.HiddenWeights[j * InputSize + i] * features[i];
                }

                hidden[j] = ShallowMlp.Activate(z, Activation);
            }

            for (int c = 0; c < k; c++)
            {
                double z = step.OutputBias[c];
                for (int j = 0; j < units; j++)
                {
                    z += step.OutputWeights[c * units + j] * hidden[j];
                }

                scores[c] += step.Rho * z;
            }
        }

        return scores;
    }

    /// <summary>
    /// The first <paramref name="steps"/> steps (all when null) as one network with a hidden layer of steps·J units, named as
    /// <see cref="MlpArchitecture"/> documents: hidden weights stacked step by step, output weights ρ_t·m·W2_t, and one output
    /// bias m·(F0 + Σ ρ_t b2_t) over the kept steps only, with m = 2 for binary (the network's logit is 2F) and 1 otherwise.
    /// </summary>
    public (MlpArchitecture Architecture, IReadOnlyList<NamedTensorData> Weights) ToNetwork(int? steps = null)
    {
        int used = CheckSteps(steps);
        int units = UnitsPerStep, k = OutputSize, hiddenSize = used * units;
        double m = Task == PredictionTask.BinaryClassification ? 2 : 1;
        var hiddenWeights = new float[hiddenSize * InputSize];
        var hiddenBias = new float[hiddenSize];
        var outputWeights = new float[k * hiddenSize];
        var outputBias = InitialScore.Select(v => m * v).ToArray();
        for (int t = 0; t < used; t++)
        {
            var step = Steps[t];
            for (int j = 0; j < units; j++)
            {
                int unit = t * units + j;
                hiddenBias[unit] = (float)step.HiddenBias[j];
                for (int i = 0; i < InputSize; i++)
                {
                    hiddenWeights[unit * InputSize + i] = (float)step.HiddenWeights[j * InputSize + i];
                }

                for (int c = 0; c < k; c++)
                {
                    outputWeights[c * hiddenSize + unit] = (float)(m * step.Rho * step.OutputWeights[c * units + j]);
                }
            }

            for (int c = 0; c < k; c++)
            {
                outputBias[c] += m * step.Rho * step.OutputBias[c];
            }
        }

        var architecture = new MlpArchitecture(InputSize, [hiddenSize], Activation, NormalizationKind.None, 0, k);
        return (architecture,
        [
            new NamedTensorData("hidden.0.linear.weight", [hiddenSize, InputSize], hiddenWeights),
            new NamedTensorData("hidden.0.linear.bias", [hiddenSize], hiddenBias),
            new NamedTensorData("output.weight", [k, hiddenSize], outputWeights),
            new NamedTensorData("output.bias", [k], outputBias.Select(v => (float)v).ToArray()),
        ]);
    }

    private int CheckSteps(int? steps)
    {
        int used = steps ?? Steps.Count;
        if (used < 1 || used > Steps.Count)
            throw new ArgumentOutOfRangeException(nameof(steps), used, $"Between 1 and the {Steps.Count} trained steps.");
        return used;
    }
}
