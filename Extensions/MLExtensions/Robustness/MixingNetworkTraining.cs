using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// Trains the mixing network of an adaptive-smoothing composite with both base models frozen (ALGORITHMS.md C.2, at the scale of C.5):
/// each batch holds the clean rows (target s = 0) and their copies attacked through the whole composite, mixing network included
/// (target s = 1); the loss is <c>BceWeight·BCE(γ, s) + CrossEntropyWeight·CE(h, y)</c> on the mixture h, minimized by AdamW.
/// </summary>
/// <remarks>
/// As in the official code, the adversary runs with the mixing network in eval mode (running batch-norm statistics, no γ clamp) and
/// without the prediction-time α range; the update runs in training mode on the joint clean + attacked batch (batch statistics).
/// Deliberate deviation: the official code clamps the pre-normalization γ to the batch mean ± 0.6 standard deviations during the update;
/// here that clamp is off unless <see cref="MixingTrainingSettings.GammaClamp"/> is set, because it removes the gradient of the rows
/// outside the band (about half of them, the best-separated ones first) and, at the few hundred steps of this scale, slowed the
/// detector markedly (Robustness/README.md has the measurement). As in the paper, the attack strength is drawn per row as
/// ε = U(<see cref="MixingTrainingSettings.EpsilonLow"/>, <see cref="MixingTrainingSettings.EpsilonHigh"/>)·ε₀, so the detector sees
/// a range of attack strengths around the nominal one within every batch.
/// </remarks>
internal static class MixingNetworkTraining
{
    /// <summary>
    /// Attacks <paramref name="features"/> (labels <paramref name="labels"/>, class indices) through <paramref name="composite"/>, row i
    /// with radius ε₀·<paramref name="radiusScale"/>[i] ([n, 1]); returns the attacked features (no gradient history needed).
    /// </summary>
    public delegate Tensor Adversary(AdaptiveSmoothingNetwork composite, Tensor features, Tensor labels, Tensor radiusScale, Generator generator);

    /// <summary>Trains the mixing network of <paramref name="initial"/> (which holds its initial weights) on <paramref name="data"/>.</summary>
    /// <returns>The trained mixing weights and one history row per epoch.</returns>
    /// <exception cref="InvalidOperationException">The loss became NaN or infinite.</exception>
    public static (IReadOnlyList<NamedTensorData> Weights, IReadOnlyList<EpochRecord> History) Train(
        AdaptiveSmoothingModelParameters initial, PackedData data, MixingTrainingSettings settings, Adversary adversary, int seed,
        CancellationToken cancellationToken = default)
    {
        using var threads = TorchThreadCount.Use(settings.NumberOfThreads);
        using var network = new AdaptiveSmoothingNetwork(initial);
        var mixer = network.Mixer ?? throw new ArgumentException("The composite has no mixing network to train (constant-alpha mode).", nameof(initial));
        mixer.TrainingClamp = settings.GammaClamp;
        using var generator = new Generator((ulong)seed);
        var random = new Random(seed);
        var parameters = mixer.parameters().ToList();
        using var optimizer = new AdamWSpec(LearningRate: settings.LearningRate, WeightDecay: settings.WeightDecay).Create(parameters);
        using var sc = new StepScalars();
        var history = new List<EpochRecord>();
        int n = data.RowCount, features = data.FeatureCount;
        var order = Enumerable.Range(0, n).ToArray();
        for (int epoch = 1; epoch <= settings.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            random.Shuffle(order);
            double lossSum = 0, normSum = 0;
            int steps = 0;
            for (int start = 0; start < n; start += settings.BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int rows = Math.Min(settings.BatchSize, n - start);
                if (rows < 2) continue;   // batch norm needs two rows; the clean + attacked batch then has four
                var x = new float[rows * features];
                var y = new long[rows];
                var strength = new float[rows];
                for (int r = 0; r < rows; r++)
                {
                    int i = order[start + r];
                    Array.Copy(data.Features, (long)i * features, x, (long)r * features, features);
                    y[r] = (long)data.Labels[i];
                    strength[r] = (float)(settings.EpsilonLow + (settings.EpsilonHigh - settings.EpsilonLow) * random.NextDouble());
                }

                using var scope = NewDisposeScope();
                var clean = tensor(x, new long[] { rows, features });
                var labels = tensor(y);
                var radiusScale = tensor(strength, new long[] { rows, 1 });
                mixer.eval();
                var attacked = adversary(network, clean, labels, radiusScale, generator).detach();
                mixer.train();

                var inputs = cat([clean, attacked], 0);
                var detectorTargets = cat([zeros(rows, dtype: ScalarType.Float32), ones(rows, dtype: ScalarType.Float32)], 0);
                var (mixture, gamma) = network.Forward(inputs, scaleAlpha: false);
                var bce = nn.functional.binary_cross_entropy_with_logits(gamma, detectorTargets);
                var ce = nn.functional.nll_loss(mixture, cat([labels, labels], 0));
                var loss = bce.mul(sc[settings.BceWeight]).add(ce.mul(sc[settings.CrossEntropyWeight]), sc.One);
                double value = loss.item<float>();
                if (!double.IsFinite(value))
                    throw new InvalidOperationException($"The mixing network's training loss became {value} in epoch {epoch}; lower LearningRate.");
                optimizer.zero_grad();
                loss.backward();
                normSum += ClipGradients(parameters, settings.GradientClipNorm, sc);
                optimizer.step();
                lossSum += value;
                steps++;
            }
            history.Add(new EpochRecord(epoch, steps == 0 ? double.NaN : lossSum / steps, null, settings.LearningRate,
                steps == 0 ? 0 : normSum / steps, clock.Elapsed.TotalSeconds) { BatchSize = settings.BatchSize, OptimizerSteps = steps });
        }
        mixer.eval();
        return (mixer.GetWeights(), history);
    }

    /// <summary>Scales the gradients so that their global ℓ2 norm is at most <paramref name="maxNorm"/>; returns the norm before.</summary>
    private static double ClipGradients(IReadOnlyList<TorchSharp.Modules.Parameter> parameters, double maxNorm, StepScalars sc)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var grads = parameters.Select(p => p.grad).Where(g => g is not null).Select(g => g!).ToList();
        if (grads.Count == 0) return 0;
        var norm = stack(grads.Select(g => g.norm()).ToArray()).norm();
        double value = norm.item<float>();
        if (value > maxNorm)
        {
            foreach (var g in grads) g.mul_(sc[maxNorm / (value + 1e-6)]);
        }
        return value;
    }
}
