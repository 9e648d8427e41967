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
        return Run(new PackedTrainingRows(train), validation, seed, progress, cancellationToken);
    }

    /// <summary>Trains a fresh network on <paramref name="train"/> (packed or streamed), as <see cref="Run(PackedData, PackedData?, int, IProgress{TrainingProgress}?, CancellationToken)"/>.</summary>
    /// <param name="train">The training rows.</param>
    /// <param name="validation">Packed validation rows, or <c>null</c>.</param>
    /// <param name="seed">Seed of initialization, shuffling and dropout.</param>
    /// <param name="progress">Receives the progress reports.</param>
    /// <param name="cancellationToken">Checked before every batch.</param>
    public TrainingResult Run(TrainingRows train, PackedData? validation, int seed, IProgress<TrainingProgress>? progress = null,
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

    private TrainingResult Train(MlpNetwork network, Generator generator, TrainingRows train, PackedData? validation, int seed, double labelMean,
                                 double labelScale, Device device, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        using var batches = train.Open(_task, labelMean, labelScale, device);
        using var validTensors = validation is null ? null : TrainingTensors.Create(validation, _task, labelMean, labelScale, device);
        var parameters = network.parameters().ToList();
        var decayed = parameters.Where(p => p.dim() >= 2).ToList();
        using var optimizer = _options.WidthTransfer is { } transfer
            ? transfer.CreateOptimizer(_options.Optimizer, parameters, _options.HiddenLayerSizes.Max())
            : _options.Optimizer.Create(parameters);
        // The controller first: feedback schedules (LANTON) may split the optimizer's groups.
        using var controller = _options.LearningRateSchedule.CreateController(optimizer);
        var groups = optimizer.ParamGroups.ToList();
        // Option I of LANTON: a second minibatch per step, drawn with a generator of its own (seeded from the run's seed) so that the
        // epoch's order and the dropout masks of the step's own batches are those of the same run without it.
        var independent = controller as IIndependentGradientController;
        using var independentGenerator = independent is null ? null : new Generator(IndependentSeed(seed), device);
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
        var profile = _options.Profile;
        // The scalars every step passes (1, the batch sizes, the clipping constants) live for the whole run; only the weight-decay
        // factor, which follows the learning rate, is made per step.
        using var sc = new StepScalars();
        // On the CPU without clipping the norms are only recorded: they are computed in managed code from the gradients' memory into a
        // managed table (CpuGradientNorms); otherwise by LibTorch into a table on the device, read back at the epoch's end.
        bool hostNorms = device.type == DeviceType.CPU && _options.GradientClipNorm is null;

        for (int epoch = 1; epoch <= _options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            network.train();
            using var lossSum = torch.zeros(1, dtype: ScalarType.Float64, device: device);
            // Column 0: the ℓ2 norm of every step's gradient, column 1: its ℓ1 norm; read back once at the epoch's end. The batch
            // only grows, so the epoch has at most batchesPerEpoch steps.
            using var stepNorms = hostNorms ? null : torch.zeros(batchesPerEpoch, 2, dtype: ScalarType.Float64, device: device);
            var hostNormTable = hostNorms ? new double[2 * batchesPerEpoch] : null;
            int b = 0;
            batches.BeginEpoch(generator);
            try
            {
                for (int start = 0; policy.IsFixed ? b < batchesPerEpoch : start < train.RowCount; b++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    long lap = profile is null ? 0 : TrainingLoopProfile.Now();
                    var scope = NewDisposeScope();
                    try
                    {
                        int count = policy.IsFixed
                            ? b == batchesPerEpoch - 1 ? train.RowCount - start : batchSize
                            : Math.Min(batchSize, train.RowCount - start);
                        var (x, y, w) = batches.Take(start, count);
                        if (attack is not null) x = Attack(network, attack, attacked!, x, y, generator);
                        profile?.Lap(TrainingLoopPhase.BatchGathering, ref lap);

                        long scheduleStep = policy.IsFixed ? step : (long)((Int128)samplesSeen * totalSteps / totalSamples);
                        var context = new TrainingStepContext(scheduleStep, totalSteps, step, epoch, samplesSeen, totalSamples, count, learningRateScale);
                        var captures = policy.NeedsStatistics(context) ? new List<LayerCapture>() : null;
                        profile?.Lap(TrainingLoopPhase.Bookkeeping, ref lap);

                        if (independent is { NeedsIndependentGradient: true })
                        {
                            ObserveIndependentGradient(independent, network, generator, independentGenerator!, batches, start, count, attack,
                                attacked, parameters, sc);
                            profile?.Lap(TrainingLoopPhase.IndependentGradient, ref lap);
                        }

                        // Gradients are dropped rather than zeroed: backward then stores fresh ones instead of adding to zeros (the
                        // same values, one pass less per parameter). Every optimizer here reads p.grad anew in each step.
                        network.zero_grad(set_to_none: true);
                        profile?.Lap(TrainingLoopPhase.ZeroGrad, ref lap);
                        var output = network.ForwardCapturing(x, captures);
                        profile?.Lap(TrainingLoopPhase.Forward, ref lap);
                        var loss = Loss(output, y, w, sc);
                        profile?.Lap(TrainingLoopPhase.Loss, ref lap);
                        loss.backward();
                        profile?.Lap(TrainingLoopPhase.Backward, ref lap);
                        var norms = hostNormTable is null ? GradientNorms(parameters) : null;
                        if (hostNormTable is not null) HostGradientNorms(parameters, hostNormTable, b);
                        GradientNoiseStatistics? statistics = captures is null ? null : PerSampleGradients.Statistics(captures, parameters, count);
                        if (_options.GradientClipNorm is { } maxNorm) Clip(parameters, norms!, maxNorm, sc);   // clipping keeps the norms on the device
                        profile?.Lap(TrainingLoopPhase.GradientNorms, ref lap);
                        controller.BeforeStep(context);
                        learningRate = groups.Count > 0 ? groups[0].LearningRate : 0;
                        profile?.Lap(TrainingLoopPhase.Schedule, ref lap);
                        optimizer.step();
                        profile?.Lap(TrainingLoopPhase.OptimizerStep, ref lap);
                        controller.AfterStep(context);
                        profile?.Lap(TrainingLoopPhase.Schedule, ref lap);
                        if (_options.WeightDecay > 0)
                        {
                            using var noGrad = no_grad();
                            using var decay = new StepScalars();
                            foreach (var p in decayed) p.mul_(decay[1 - learningRate * _options.WeightDecay]);
                        }
                        profile?.Lap(TrainingLoopPhase.WeightDecay, ref lap);
                        lossSum.add_(loss.detach(), alpha: sc[count]);
                        stepNorms?[b].copy_(norms!);
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
                                MeanOfColumn(ReadNorms(stepNorms, hostNormTable, b + 1), 0), clock.Elapsed.TotalSeconds)
                            {
                                Kind = TrainingProgressKind.Batch, Batch = b + 1, BatchCount = batchesPerEpoch, ElapsedSeconds = fitClock.Elapsed.TotalSeconds,
                            });
                        }
                        profile?.Lap(TrainingLoopPhase.Bookkeeping, ref lap);
                    }
                    finally
                    {
                        scope.Dispose();
                        if (profile is not null)
                        {
                            profile.Lap(TrainingLoopPhase.Dispose, ref lap);
                            profile.CountStep();
                        }
                    }
                }
            }
            finally
            {
                batches.EndEpoch();
            }

            long epochEnd = profile is null ? 0 : TrainingLoopProfile.Now();
            double trainingLoss = lossSum.item<double>() / train.RowCount;
            double[] stepNormValues = ReadNorms(stepNorms, hostNormTable, b);
            double meanGradNorm = MeanOfColumn(stepNormValues, 0);
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
                StepGradientNorms = Enumerable.Range(0, b).Select(i => stepNormValues[2 * i]).ToArray(),
                StepGradientL1Norms = Enumerable.Range(0, b).Select(i => stepNormValues[2 * i + 1]).ToArray(),
            });
            progress?.Report(new TrainingProgress(epoch, _options.Epochs, trainingLoss, validationLoss, learningRate, meanGradNorm,
                                                  clock.Elapsed.TotalSeconds) { BatchCount = batchesPerEpoch, ElapsedSeconds = fitClock.Elapsed.TotalSeconds });
            // Metric-driven schedules (reduce on plateau) see each epoch's validation loss, or the training loss without validation data.
            if (controller is IMetricFeedbackController feedback) feedback.ObserveMetric(validationLoss ?? trainingLoss);
            profile?.Lap(TrainingLoopPhase.EpochEnd, ref epochEnd);

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

    /// <summary>Scales every gradient by min(1, <paramref name="maxNorm"/> / (‖g‖₂ + 1e-6)), ‖g‖₂ = <paramref name="norms"/>[0].</summary>
    private static void Clip(IReadOnlyList<Parameter> parameters, Tensor norms, double maxNorm, StepScalars sc)
    {
        var clipFactor = (sc[maxNorm] / norms[0].add(sc[1e-6], alpha: sc.One)).clamp_max(sc[1.0]);
        foreach (var p in parameters)
        {
            if (p.grad is { } g) g.mul_(clipFactor.to(g.dtype));
        }
    }

    /// <summary>The batch <paramref name="x"/> attacked for adversarial training, in evaluation mode (no dropout; batch norm's running
    /// statistics stay those of clean batches); the network is back in training mode afterwards.</summary>
    private Tensor Attack(MlpNetwork network, PgdAttack attack, MlpClassifier attacked, Tensor x, Tensor y, Generator generator)
    {
        network.eval();
        if (x.is_sparse) x = x.to_dense();
        var result = attack.Perturb(attacked, x, _task == PredictionTask.BinaryClassification ? y.to(ScalarType.Int64) : y, generator);
        network.train();
        return result;
    }

    /// <summary>The seed of the generator that draws the independent minibatches (and their dropout masks and attack starts).</summary>
    private static ulong IndependentSeed(int seed) => unchecked((ulong)seed ^ 0x9E3779B97F4A7C15UL);

    /// <summary>
    /// Before the step's own forward pass: the gradient of a second minibatch of the same size at the same weights
    /// (<see cref="BatchSource.TakeIndependent"/>), made as the step's own (training mode, dropout from
    /// <paramref name="independentGenerator"/>, the adversarial attack when set, the same loss and clipping), handed to
    /// <paramref name="controller"/>. Batch norm's running statistics are restored afterwards, so only the step's own batch
    /// updates them; the gradients are dropped again by the step's own <c>zero_grad</c>.
    /// </summary>
    private void ObserveIndependentGradient(IIndependentGradientController controller, MlpNetwork network, Generator generator,
                                            Generator independentGenerator, BatchSource batches, int start, int count, PgdAttack? attack,
                                            MlpClassifier? attacked, IReadOnlyList<Parameter> parameters, StepScalars sc)
    {
        var (x, y, w) = batches.TakeIndependent(start, count, independentGenerator);
        if (attack is not null) x = Attack(network, attack, attacked!, x, y, independentGenerator);
        List<(Tensor Buffer, Tensor Saved)>? statistics = null;
        if (_options.Normalization == NormalizationKind.BatchNorm)
        {
            using var noGrad = no_grad();
            statistics = network.buffers().Select(b => (b, b.clone())).ToList();
        }
        network.DropoutGenerator = independentGenerator;
        try
        {
            network.zero_grad(set_to_none: true);
            Loss(network.forward(x), y, w, sc).backward();
        }
        finally
        {
            network.DropoutGenerator = generator;
            if (statistics is not null)
            {
                using var noGrad = no_grad();
                foreach (var (buffer, saved) in statistics) buffer.copy_(saved);
            }
        }
        if (_options.GradientClipNorm is { } maxNorm) Clip(parameters, GradientNorms(parameters), maxNorm, sc);
        controller.ObserveIndependentGradient();
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

    private double Evaluate(MlpNetwork network, TrainingTensors data)
    {
        network.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var sc = new StepScalars();
        long rows = data.RowCount;
        var total = torch.zeros(1, dtype: ScalarType.Float64, device: data.Labels.device);
        for (long start = 0; start < rows; start += EvaluationChunk)
        {
            long count = Math.Min(EvaluationChunk, rows - start);
            var w = data.Weights?.narrow(0, start, count);
            var loss = Loss(network.forward(data.NarrowFeatures(start, count)), data.Labels.narrow(0, start, count), w, sc);
            double share = w is null ? count : w.sum().item<float>();
            total.add_(loss.to(ScalarType.Float64) * sc[share], alpha: sc.One);
        }
        double denominator = data.Weights is null ? rows : data.Weights.sum().item<float>();
        return total.item<double>() / Math.Max(denominator, 1e-12);
    }

    /// <summary>The global gradient's ℓ2 norm and ℓ1 norm, as a tensor [2] on the device: per parameter LibTorch's vectorized ℓ2 norm
    /// kernel (no squared copy of the gradient) and |g| summed (LibTorch's ℓ1 norm kernel is not vectorized on the CPU: 4x slower
    /// than abs and sum, see <c>-- loop-profile --kernels</c>), then the ℓ2 norm of the per-parameter ℓ2 norms and the sum of the ℓ1 norms.</summary>
    private static Tensor GradientNorms(IReadOnlyList<Parameter> parameters)
    {
        var l2 = new List<Tensor>(parameters.Count);
        var l1 = new List<Tensor>(parameters.Count);
        foreach (var p in parameters)
        {
            if (p.grad is not { } g) continue;
            l2.Add(g.norm(2f));
            l1.Add(g.abs().sum());
        }
        if (l2.Count == 0) return torch.zeros(2);
        return torch.stack([torch.stack(l2).norm(2f), torch.stack(l1).sum()]);
    }

    /// <summary>Writes step <paramref name="step"/>'s global ℓ2 and ℓ1 gradient norms into row <paramref name="step"/> of the managed
    /// [steps, 2] table: from the gradients' memory (<see cref="CpuGradientNorms"/>), or by LibTorch for a gradient it cannot read.</summary>
    private static void HostGradientNorms(IReadOnlyList<Parameter> parameters, double[] table, int step)
    {
        if (!CpuGradientNorms.TryCompute(parameters, out double l2, out double l1))
        {
            using var scope = NewDisposeScope();
            var values = GradientNorms(parameters).to(ScalarType.Float64).cpu().data<double>().ToArray();
            (l2, l1) = (values[0], values[1]);
        }
        table[2 * step] = l2;
        table[2 * step + 1] = l1;
    }

    /// <summary>The first <paramref name="steps"/> rows of the epoch's [steps, 2] norm table (the device table, or the managed one
    /// when there is no device table), row-major, on the CPU.</summary>
    private static double[] ReadNorms(Tensor? stepNorms, double[]? hostTable, int steps)
    {
        if (stepNorms is null) return hostTable![..(2 * steps)];
        using var scope = NewDisposeScope();
        return stepNorms.narrow(0, 0, steps).cpu().contiguous().data<double>().ToArray();
    }

    /// <summary>The mean of one column of a row-major table with two columns, summed in row order (0 for no rows).</summary>
    private static double MeanOfColumn(double[] table, int column)
    {
        int rows = table.Length / 2;
        double sum = 0;
        for (int i = 0; i < rows; i++) sum += table[2 * i + column];
        return sum / Math.Max(rows, 1);
    }

    /// <summary>The per-feature minimum and maximum of the training rows packed in memory (absent entries of sparse rows count as 0).</summary>
    private static InputBox FeatureRange(TrainingRows rows)
    {
        if (rows is not PackedTrainingRows { Data: var data })
            throw new ArgumentException("AdversarialTraining needs an explicit InputBox when the training rows are streamed (more than " +
                "MemoryBudgetBytes): set AdversarialTraining.InputBox.", "AdversarialTraining");
        var lower = Enumerable.Repeat(float.PositiveInfinity, data.FeatureCount).ToArray();
        var upper = Enumerable.Repeat(float.NegativeInfinity, data.FeatureCount).ToArray();
        if (data.Sparse is { } sparse)
        {
            var present = new int[data.FeatureCount];
            for (long k = 0; k < sparse.ValueCount; k++)
            {
                int i = sparse.Indices[k];
                float v = sparse.Values[k];
                present[i]++;
                if (v < lower[i]) lower[i] = v;
                if (v > upper[i]) upper[i] = v;
            }
            for (int i = 0; i < data.FeatureCount; i++)
            {
                if (present[i] == data.RowCount) continue;
                lower[i] = Math.Min(lower[i], 0f);
                upper[i] = Math.Max(upper[i], 0f);
            }
            return new InputBox(lower, upper);
        }
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

    private static (double Mean, double Scale) TargetScaling(TrainingRows data)
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
}
