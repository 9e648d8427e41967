using System.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// The one training loop every neural trainer uses: mini-batches from a seeded permutation, the optimizer from its spec,
/// the learning-rate schedule per step, optional clipping and decoupled weight decay, validation loss per epoch,
/// early stopping with best-weights restore, and progress reports.
/// </summary>
internal sealed class NeuralTrainingLoop
{
    private const int EvaluationChunk = 8192;

    private readonly NeuralNetworkOptionsBase _options;
    private readonly PredictionTask _task;
    private readonly int _classCount;

    /// <summary>Creates a loop for <paramref name="task"/> with validated <paramref name="options"/>.</summary>
    /// <param name="options">The trainer's options (already validated).</param>
    /// <param name="task">Decides the output size and the loss: logistic, cross-entropy or squared error.</param>
    /// <param name="classCount">Number of classes for multiclass; ignored otherwise.</param>
    public NeuralTrainingLoop(NeuralNetworkOptionsBase options, PredictionTask task, int classCount = 0)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _task = task;
        _classCount = classCount;
    }

    /// <summary>Trains a fresh network on <paramref name="train"/>, measuring the loss on <paramref name="validation"/> when given.</summary>
    /// <param name="train">Packed training rows.</param>
    /// <param name="validation">Packed validation rows, or <c>null</c>.</param>
    /// <param name="seed">Seed of initialization, shuffling and dropout, each drawn from this run's own generators.</param>
    /// <param name="progress">Receives one report per epoch (and every <see cref="NeuralNetworkOptionsBase.ProgressBatchInterval"/> batches
    /// inside it when set), from the training thread.</param>
    /// <param name="cancellationToken">Checked before every batch.</param>
    /// <remarks>Nothing here touches TorchSharp's process-wide generator, so concurrent runs give the same networks as sequential
    /// ones. <see cref="NeuralNetworkOptionsBase.NumberOfThreads"/> is applied for the run and restored after it. On an exception
    /// (divergence, cancellation) every tensor the run created is released.</remarks>
    /// <exception cref="ArgumentException">Batch norm with fewer than 2 training rows.</exception>
    /// <exception cref="InvalidOperationException">The training or validation loss became NaN or infinite.</exception>
    public TrainingResult Run(PackedData train, PackedData? validation, int seed, IProgress<TrainingProgress>? progress = null,
                              CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (_options.Normalization == NormalizationKind.BatchNorm && train.RowCount < 2)
            throw new ArgumentException(
                $"BatchNorm needs at least 2 training rows (got {train.RowCount}); the variance of one row is undefined. Give more rows or use LayerNorm.",
                nameof(train));
        using var threads = TorchThreadCount.Use(_options.NumberOfThreads);
        var device = DeviceSelector.Resolve(_options.Device);
        using var generator = new Generator((ulong)seed, device);
        using var initGenerator = new Generator((ulong)seed);

        // Regression targets are standardized for training; the scaling is folded into the output layer at the end.
        var (labelMean, labelScale) = _task == PredictionTask.Regression ? TargetScaling(train) : (0.0, 1.0);

        var architecture = new MlpArchitecture(train.FeatureCount, _options.HiddenLayerSizes.ToArray(), _options.Activation,
            _options.Normalization, _options.Dropout, _task == PredictionTask.MulticlassClassification ? _classCount : 1);
        var network = new MlpNetwork(architecture, initGenerator);
        try
        {
            network.to(device);
            network.DropoutGenerator = generator;
            var result = Train(network, generator, train, validation, seed, labelMean, labelScale, device, progress, cancellationToken);
            network.DropoutGenerator = null;
            return result;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    private TrainingResult Train(MlpNetwork network, Generator generator, PackedData train, PackedData? validation, int seed, double labelMean,
                                 double labelScale, Device device, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        using var trainTensors = TensorSet.Create(train, _task, labelMean, labelScale, device);
        using var validTensors = validation is null ? null : TensorSet.Create(validation, _task, labelMean, labelScale, device);
        var parameters = network.parameters().ToList();
        var decayed = parameters.Where(p => p.dim() >= 2).ToList();
        using var optimizer = _options.WidthTransfer is { } transfer
            ? transfer.CreateOptimizer(_options.Optimizer, parameters, _options.HiddenLayerSizes.Max())
            : _options.Optimizer.Create(parameters);
        // The controller first: feedback schedules (LANTON) may split the optimizer's groups.
        using var controller = _options.LearningRateSchedule.CreateController(optimizer);
        var groups = optimizer.ParamGroups.ToList();
        var momentum = MomentumAccess.TryCreate(groups);

        // The batch-size policy starts from BatchSize; a fixed policy keeps the fixed-batch arithmetic below (bit for bit as before).
        var policy = _options.BatchSizePolicy.CreatePolicy(_options.BatchSize, train.RowCount);
        int batchSize = policy.InitialBatchSize;
        int batchesPerEpoch = (train.RowCount + batchSize - 1) / batchSize;
        // Batch norm's statistics of a one-row batch are NaN: such a last batch joins the one before it.
        if (_options.Normalization == NormalizationKind.BatchNorm && batchesPerEpoch > 1 && train.RowCount % batchSize == 1) batchesPerEpoch--;
        long totalSteps = (long)batchesPerEpoch * _options.Epochs;
        long totalSamples = (long)train.RowCount * _options.Epochs;
        long step = 0, samplesSeen = 0;
        var scaling = BatchSizeScalingRule.Resolve(_options.BatchSizeScaling, _options.Optimizer);
        int referenceBatchSize = _options.ReferenceBatchSize ?? _options.BatchSize;
        double learningRateScale = BatchSizeScalingRule.Factor(scaling, batchSize, referenceBatchSize, train.RowCount);

        // PGD adversarial training: the box defaults to the training rows' per-feature range; the attack sees the live network.
        AdversarialTrainingOptions? adversarial = null;
        PgdAttack? attack = null;
        using var attacked = _options.AdversarialTraining is null ? null : new MlpClassifier(network, _task, ownsNetwork: false);
        if (_options.AdversarialTraining is { } requested)
        {
            adversarial = requested.Clone();
            adversarial.InputBox ??= FeatureRange(train);
            attack = adversarial.CreateAttack(adversarial.InputBox);
        }

        var history = new List<EpochRecord>();
        double bestLoss = double.PositiveInfinity;
        int bestEpoch = 0;
        IReadOnlyList<NamedTensorData>? bestWeights = null;
        int epochsWithoutImprovement = 0;
        double learningRate = groups.Count > 0 ? groups[0].LearningRate : 0;
        var fitClock = Stopwatch.StartNew();

        for (int epoch = 1; epoch <= _options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            network.train();
            using var lossSum = torch.zeros(1, dtype: ScalarType.Float64, device: device);
            using var gradNormSum = torch.zeros(1, dtype: ScalarType.Float64, device: device);
            // Column 0: the ℓ2 norm of every step's gradient, column 1: its ℓ1 norm; read back once at the epoch's end. The batch
            // only grows, so the epoch has at most batchesPerEpoch steps.
            using var stepNorms = torch.zeros(batchesPerEpoch, 2, dtype: ScalarType.Float64, device: device);
            int b = 0;
            using (var permutation = torch.randperm(train.RowCount, generator: generator, device: device))
            {
                for (int start = 0; policy.IsFixed ? b < batchesPerEpoch : start < train.RowCount; b++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    using var sc = new StepScalars();
                    int count = policy.IsFixed
                        ? b == batchesPerEpoch - 1 ? train.RowCount - start : batchSize
                        : Math.Min(batchSize, train.RowCount - start);
                    var index = permutation.narrow(0, start, count);
                    var x = trainTensors.Features.index_select(0, index);
                    var y = trainTensors.Labels.index_select(0, index);
                    var w = trainTensors.Weights?.index_select(0, index);
                    if (attack is not null)
                    {
                        // Attack in evaluation mode (no dropout; batch norm's running statistics stay those of clean batches), train on the result.
                        network.eval();
                        x = attack.Perturb(attacked!, x, _task == PredictionTask.BinaryClassification ? y.to(ScalarType.Int64) : y, generator);
                        network.train();
                    }

                    long scheduleStep = policy.IsFixed ? step : (long)((Int128)samplesSeen * totalSteps / totalSamples);
                    var context = new TrainingStepContext(scheduleStep, totalSteps, step, epoch, samplesSeen, totalSamples, count, learningRateScale);
                    var captures = policy.NeedsStatistics(context) ? new List<LayerCapture>() : null;

                    optimizer.zero_grad();
                    var loss = Loss(network.ForwardCapturing(x, captures), y, w, sc);
                    loss.backward();
                    var (gradNorm, gradL1Norm) = GradientNorms(parameters, sc);
                    GradientNoiseStatistics? statistics = captures is null ? null : PerSampleGradients.Statistics(captures, parameters, count);
                    if (_options.GradientClipNorm is { } maxNorm)
                    {
                        var clipFactor = (sc[maxNorm] / gradNorm.add(sc[1e-6], alpha: sc.One)).clamp_max(sc[1.0]);
                        foreach (var p in parameters)
                        {
                            if (p.grad is { } g) g.mul_(clipFactor.to(g.dtype));
                        }
                    }
                    controller.BeforeStep(context);
                    learningRate = groups.Count > 0 ? groups[0].LearningRate : 0;
                    optimizer.step();
                    controller.AfterStep(context);
                    if (_options.WeightDecay > 0)
                    {
                        using var noGrad = no_grad();
                        foreach (var p in decayed) p.mul_(sc[1 - learningRate * _options.WeightDecay]);
                    }
                    lossSum.add_(loss.detach(), alpha: sc[count]);
                    gradNormSum.add_(gradNorm, alpha: sc.One);
                    stepNorms[b][0].copy_(gradNorm.reshape([]));
                    stepNorms[b][1].copy_(gradL1Norm.reshape([]));
                    step++;
                    samplesSeen += count;
                    start += count;
                    if (!policy.IsFixed)
                    {
                        int next = policy.NextBatchSize(context, statistics);
                        if (next < batchSize)
                            throw new InvalidOperationException($"The batch-size policy shrank the batch from {batchSize} to {next}; batches may only grow.");
                        if (next != batchSize)
                        {
                            batchSize = next;
                            learningRateScale = BatchSizeScalingRule.Factor(scaling, batchSize, referenceBatchSize, train.RowCount);
                        }
                    }

                    if (progress is not null && _options.ProgressBatchInterval is { } every && (b + 1) % every == 0 && b + 1 < batchesPerEpoch)
                    {
                        progress.Report(new TrainingProgress(epoch, _options.Epochs, lossSum.item<double>() / start, null, learningRate,
                            gradNormSum.item<double>() / (b + 1), clock.Elapsed.TotalSeconds)
                        {
                            Kind = TrainingProgressKind.Batch, Batch = b + 1, BatchCount = batchesPerEpoch, ElapsedSeconds = fitClock.Elapsed.TotalSeconds,
                        });
                    }
                }
            }

            double trainingLoss = lossSum.item<double>() / train.RowCount;
            double meanGradNorm = gradNormSum.item<double>() / Math.Max(b, 1);
            double[] norms;
            using (NewDisposeScope()) norms = stepNorms.narrow(0, 0, b).cpu().contiguous().data<double>().ToArray();
            if (!double.IsFinite(trainingLoss))
                throw new InvalidOperationException(
                    $"The training loss became {(double.IsNaN(trainingLoss) ? "NaN" : "infinite")} in epoch {epoch}. " +
                    $"Lower the learning rate (now {learningRate:G3}), set GradientClipNorm, or standardize the features.");

            double? validationLoss = validTensors is null ? null : Evaluate(network, validTensors);
            if (validationLoss is { } measured && !double.IsFinite(measured))
                throw new InvalidOperationException(
                    $"The validation loss became {(double.IsNaN(measured) ? "NaN" : "infinite")} in epoch {epoch} (the training loss was {trainingLoss:G4}). " +
                    "Check the validation data for extreme feature values, standardize the features, or lower the learning rate (now " +
                    $"{learningRate:G3}).");
            clock.Stop();
            history.Add(new EpochRecord(epoch, trainingLoss, validationLoss, learningRate, meanGradNorm, clock.Elapsed.TotalSeconds)
            {
                BatchSize = batchSize,
                OptimizerSteps = b,
                Momentum = momentum?.Get(),
                StepGradientNorms = Enumerable.Range(0, b).Select(i => norms[2 * i]).ToArray(),
                StepGradientL1Norms = Enumerable.Range(0, b).Select(i => norms[2 * i + 1]).ToArray(),
            });
            progress?.Report(new TrainingProgress(epoch, _options.Epochs, trainingLoss, validationLoss, learningRate, meanGradNorm,
                                                  clock.Elapsed.TotalSeconds) { BatchCount = batchesPerEpoch, ElapsedSeconds = fitClock.Elapsed.TotalSeconds });

            if (validationLoss is { } current)
            {
                if (current < bestLoss)
                {
                    bestLoss = current;
                    bestEpoch = epoch;
                    bestWeights = network.GetWeights();
                    epochsWithoutImprovement = 0;
                }
                else if (_options.EarlyStoppingPatience is { } patience && ++epochsWithoutImprovement >= patience)
                {
                    break;
                }
            }
            else
            {
                bestEpoch = epoch;
            }
        }

        network.to(CPU);
        network.eval();
        if (bestWeights is not null) network.SetWeights(bestWeights);
        if (_task == PredictionTask.Regression) FoldTargetScaling(network, labelMean, labelScale);
        return new TrainingResult(network, history, bestEpoch, seed, device.type == DeviceType.CUDA ? "cuda" : "cpu", adversarial);
    }

    private Tensor Loss(Tensor output, Tensor labels, Tensor? weights, StepScalars sc)
    {
        Tensor perRow = _task switch
        {
            PredictionTask.BinaryClassification => nn.functional.binary_cross_entropy_with_logits(
                output.squeeze(1), labels, reduction: nn.Reduction.None),
            PredictionTask.MulticlassClassification => nn.functional.cross_entropy(output, labels, reduction: nn.Reduction.None),
            _ => (output.squeeze(1) - labels).pow(sc[2]),
        };
        return weights is null ? perRow.mean() : (perRow * weights).sum() / weights.sum().clamp_min(sc[1e-12]);
    }

    private double Evaluate(MlpNetwork network, TensorSet data)
    {
        network.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var sc = new StepScalars();
        long rows = data.Features.shape[0];
        var total = torch.zeros(1, dtype: ScalarType.Float64, device: data.Features.device);
        for (long start = 0; start < rows; start += EvaluationChunk)
        {
            long count = Math.Min(EvaluationChunk, rows - start);
            var w = data.Weights?.narrow(0, start, count);
            var loss = Loss(network.forward(data.Features.narrow(0, start, count)), data.Labels.narrow(0, start, count), w, sc);
            double share = w is null ? count : w.sum().item<float>();
            total.add_(loss.to(ScalarType.Float64) * sc[share], alpha: sc.One);
        }
        double denominator = data.Weights is null ? rows : data.Weights.sum().item<float>();
        return total.item<double>() / Math.Max(denominator, 1e-12);
    }

    /// <summary>The global gradient's ℓ2 norm (summed as before, so clipping is unchanged) and ℓ1 norm, as 0-d tensors on the device.</summary>
    private static (Tensor L2, Tensor L1) GradientNorms(IReadOnlyList<Parameter> parameters, StepScalars sc)
    {
        Tensor? sum = null, abs = null;
        foreach (var p in parameters)
        {
            if (p.grad is not { } g) continue;
            var squares = g.pow(sc[2]).sum();
            sum = sum is null ? squares : sum.add_(squares, alpha: sc[1]);
            var absolute = g.abs().sum();
            abs = abs is null ? absolute : abs.add_(absolute, alpha: sc[1]);
        }
        return sum is null ? (torch.zeros(1), torch.zeros(1)) : (sum.sqrt(), abs!);
    }

    /// <summary>The per-feature minimum and maximum of the training rows.</summary>
    private static InputBox FeatureRange(PackedData data)
    {
        var lower = Enumerable.Repeat(float.PositiveInfinity, data.FeatureCount).ToArray();
        var upper = Enumerable.Repeat(float.NegativeInfinity, data.FeatureCount).ToArray();
        for (int row = 0; row < data.RowCount; row++)
        {
            for (int i = 0; i < data.FeatureCount; i++)
            {
                float v = data.Features[row * data.FeatureCount + i];
                if (v < lower[i]) lower[i] = v;
                if (v > upper[i]) upper[i] = v;
            }
        }
        return new InputBox(lower, upper);
    }

    private static (double Mean, double Scale) TargetScaling(PackedData data)
    {
        double mean = 0, sumSq = 0;
        foreach (float y in data.Labels) mean += y;
        mean /= data.RowCount;
        foreach (float y in data.Labels) sumSq += (y - mean) * (y - mean);
        double std = Math.Sqrt(sumSq / data.RowCount);
        return (mean, std > 1e-12 ? std : 1.0);
    }

    private static void FoldTargetScaling(MlpNetwork network, double mean, double scale)
    {
        // output = scale * (W h + b) + mean  =>  W' = scale W, b' = scale b + mean.
        var weights = network.GetWeights().Select(w => w.Name switch
        {
            "output.weight" => w with { Values = w.Values.Select(v => (float)(v * scale)).ToArray() },
            "output.bias" => w with { Values = w.Values.Select(v => (float)(v * scale + mean)).ToArray() },
            _ => w,
        }).ToList();
        network.SetWeights(weights);
    }

    /// <summary>Features, labels and weights as tensors on the training device.</summary>
    private sealed class TensorSet : IDisposable
    {
        private TensorSet(Tensor features, Tensor labels, Tensor? weights)
        {
            Features = features;
            Labels = labels;
            Weights = weights;
        }

        public Tensor Features { get; }
        public Tensor Labels { get; }
        public Tensor? Weights { get; }

        public static TensorSet Create(PackedData data, PredictionTask task, double labelMean, double labelScale, Device device)
        {
            // Each tensor is created on the device directly: tensor(...).to(device) would leave the first handle undisposed.
            var features = torch.tensor(data.Features, new long[] { data.RowCount, data.FeatureCount }, device: device).DetachFromDisposeScope();
            Tensor? labels = null;
            try
            {
                labels = task switch
                {
                    PredictionTask.MulticlassClassification => torch.tensor(data.Labels.Select(l => (long)l).ToArray(), device: device),
                    PredictionTask.Regression => torch.tensor(data.Labels.Select(l => (float)((l - labelMean) / labelScale)).ToArray(), device: device),
                    _ => torch.tensor(data.Labels, device: device),
                };
                labels.DetachFromDisposeScope();
                var weights = data.Weights is null ? null : torch.tensor(data.Weights, device: device).DetachFromDisposeScope();
                return new TensorSet(features, labels, weights);
            }
            catch
            {
                features.Dispose();
                labels?.Dispose();
                throw;
            }
        }

        public void Dispose()
        {
            Features.Dispose();
            Labels.Dispose();
            Weights?.Dispose();
        }
    }
}
