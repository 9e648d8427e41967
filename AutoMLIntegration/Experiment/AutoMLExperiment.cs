using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace MLExtensions.AutoML;

/// <summary>
/// A hyperparameter search configured fluently, like Microsoft.ML.AutoML's <c>AutoMLExperiment</c>: a pipeline (or a trial
/// runner), a dataset, a metric, a budget (time and/or trials), a tuner, and optionally a pruner, a monitor, a per-trial
/// time limit, a storage and parallel workers. <see cref="RunAsync"/> runs trials on the thread pool, records every trial
/// with its state (a trial that throws is <see cref="TrialState.Failed"/> and the search goes on; the trial in flight when
/// the budget ends or the caller cancels is <see cref="TrialState.Cancelled"/>), and refits the best pipeline on all the
/// training data.
/// </summary>
/// <remarks>
/// <para><b>Stopping trials.</b> Time limits, budget ends, cancellation and pruning cancel the trial's token. Our trainers
/// stop at their next batch (<c>Fit(data, token)</c>) or, inside an estimator chain, at the end of the epoch through
/// <see cref="TrialScope.TrainingProgress"/>. ML.NET trainers that ignore cancellation (LightGBM, L-BFGS) cannot be stopped
/// in-process through public API: after <see cref="SetCancellationGracePeriod"/> the experiment <b>abandons</b> such a trial,
/// records it (TimedOut or Cancelled) and goes on, while the abandoned fit finishes in the background and its result is
/// discarded. To kill such fits, run trials in worker processes sharing an <see cref="ITrialStorage"/>.</para>
/// <para><b>Reproducibility.</b> Trial <c>i</c> runs with its own <see cref="MLContext"/> seeded <c>seed + i</c>, folds are
/// split with the experiment's seed, and tuners built by the <c>Set…Tuner</c> helpers are seeded with it; with one worker
/// and a trial budget (no time budget) the same seed gives the same trials.</para>
/// </remarks>
public sealed class AutoMLExperiment
{
    private readonly MLContext _context;
    private int _seed;
    private Func<MLContext, Parameter, IEstimator<ITransformer>>? _pipeline;
    private SearchSpace? _searchSpace;
    private Func<MLContext, ITrialRunner>? _runnerFactory;
    private ExperimentDataset? _dataset;
    private IMetricManager? _metric;
    private ITuner? _tuner;
    private Func<int, ITuner>? _tunerFactory;
    /// <summary>The sweepable pipeline given to <see cref="SetPipeline(SweepablePipeline)"/>, for the default tuner's cost priors.</summary>
    private SweepablePipeline? _sweepablePipeline;
    private IPruner? _pruner;
    private IMonitor? _monitor;
    private ITrialStorage? _storage;
    private string _studyName = "default";
    private int _parallelism = 1;
    private TimeSpan? _trainingTime;
    private int? _maxTrials;
    private TimeSpan? _trialTimeLimit;
    private TimeSpan _gracePeriod = TimeSpan.FromMilliseconds(500);
    private TimeSpan _heartbeatInterval = TrialWorkerOptions.Defaults.HeartbeatInterval;
    private TimeSpan? _staleAfter;
    private FailFastPolicy _failFast = FailFastPolicy.Never;
    private bool _refit = true;
    private double? _maximumMemoryInMegaBytes;
    private TimeSpan _monitorInterval = DefaultMonitorInterval;
    private int _running;
    private readonly List<Parameter> _enqueued = [];

    /// <summary>An experiment in <paramref name="context"/>; its seed defaults to one number drawn from the context's random source.</summary>
    public AutoMLExperiment(MLContext context)
    {
        _context = context ?? throw new ArgumentNullException(nameof(context));
        _seed = ((IHostEnvironment)context).Register(nameof(AutoMLExperiment)).Rand.Next();
    }

    /// <summary>The seed of the experiment (see <see cref="SetSeed"/>).</summary>
    public int Seed => _seed;

    /// <summary>Sets the seed of the trials' contexts, the folds and the helper-built tuners.</summary>
    public AutoMLExperiment SetSeed(int seed)
    {
        _seed = seed;
        return this;
    }

    /// <summary>
    /// Sets the pipeline as a builder from a trial's parameter (what a sweepable pipeline's <c>BuildFromOption</c> does). The
    /// builder runs once per trial and fold, in the trial's own <see cref="MLContext"/>. <paramref name="searchSpace"/> is the
    /// space the parameters come from: what the <c>Set…Tuner</c> helpers search, and, when no tuner is set, ECI-CFO (a space with
    /// one top-level one-of) or CFO (any other).
    /// </summary>
    public AutoMLExperiment SetPipeline(Func<MLContext, Parameter, IEstimator<ITransformer>> buildFromParameter, SearchSpace? searchSpace = null)
    {
        _pipeline = buildFromParameter ?? throw new ArgumentNullException(nameof(buildFromParameter));
        _searchSpace = searchSpace;
        _sweepablePipeline = null;
        _runnerFactory = null;
        return this;
    }

    /// <summary>Sets a sweepable pipeline: its <c>BuildFromOption</c> per trial, its search space for the tuner helpers. Without a
    /// <c>SetTuner</c> or <c>Set…Tuner</c> call, ECI-CFO with the estimators' cost priors searches that space, the default of
    /// Microsoft.ML.AutoML's <c>SetPipeline</c>.</summary>
    public AutoMLExperiment SetPipeline(SweepablePipeline pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        SetPipeline(pipeline.BuildFromOption, pipeline.SearchSpace);
        _sweepablePipeline = pipeline;
        return this;
    }

    /// <summary>Sets one sweepable estimator as the pipeline (its <c>BuildFromOption</c> and search space).</summary>
    public AutoMLExperiment SetPipeline(SweepableEstimator estimator)
    {
        ArgumentNullException.ThrowIfNull(estimator);
        return SetPipeline(estimator.BuildFromOption, estimator.SearchSpace);
    }

    /// <summary>The search space given with the pipeline (null when none was given).</summary>
    public SearchSpace? SearchSpace => _searchSpace;

    /// <summary>Sets a custom trial runner, created per trial with the trial's <see cref="MLContext"/> (replaces the pipeline; no refit).</summary>
    public AutoMLExperiment SetTrialRunner(Func<MLContext, ITrialRunner> factory)
    {
        _runnerFactory = factory ?? throw new ArgumentNullException(nameof(factory));
        _pipeline = null;
        _sweepablePipeline = null;
        return this;
    }

    /// <summary>Trains on <paramref name="train"/> and evaluates on <paramref name="validation"/>; the refit uses both.</summary>
    public AutoMLExperiment SetDataset(IDataView train, IDataView validation)
    {
        _dataset = ExperimentDataset.FromSplit(train, validation);
        return this;
    }

    /// <summary>Trains on the split's <c>TrainSet</c> and evaluates on its <c>TestSet</c>, as <c>SetDataset(split.TrainSet, split.TestSet)</c>.</summary>
    /// <param name="trainValidationSplit">A split, e.g. from <c>mlContext.Data.TrainTestSplit</c>.</param>
    public AutoMLExperiment SetDataset(DataOperationsCatalog.TrainTestData trainValidationSplit)
        => SetDataset(trainValidationSplit.TrainSet, trainValidationSplit.TestSet);

    /// <summary>
    /// Cross-validates each trial on <paramref name="fold"/> folds of <paramref name="data"/> (the pipeline rebuilt per
    /// fold; the metric is the mean; the trial's model is the first fold's); the refit uses all of <paramref name="data"/>.
    /// The parameter names are Microsoft.ML.AutoML's; its default is 10 folds, ours 5.
    /// </summary>
    /// <param name="data">The rows to split into folds.</param>
    /// <param name="fold">The number of folds (at least 2). Default 5.</param>
    /// <param name="samplingKeyColumnName">Rows with the same value of this column stay in one fold (null: none).</param>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 2 folds.</exception>
    /// <exception cref="ArgumentException">The sampling key column is missing.</exception>
    public AutoMLExperiment SetDataset(IDataView data, int fold = 5, string? samplingKeyColumnName = null)
    {
        _dataset = ExperimentDataset.FromFolds(data, fold, samplingKeyColumnName);
        return this;
    }

    /// <summary>Optimizes a binary-classification metric (all are maximized).</summary>
    public AutoMLExperiment SetBinaryClassificationMetric(BinaryClassificationMetric metric = BinaryClassificationMetric.AreaUnderRocCurve,
        string labelColumn = "Label", string predictedColumn = "PredictedLabel")
    {
        CheckEnum(metric, nameof(metric));
        return SetMetricManager(new BinaryMetricManager(metric, labelColumn, predictedColumn));
    }

    /// <summary>Optimizes a multiclass metric (log-loss minimized, the others, log-loss reduction included, maximized).</summary>
    public AutoMLExperiment SetMulticlassClassificationMetric(MulticlassClassificationMetric metric = MulticlassClassificationMetric.MicroAccuracy,
        string labelColumn = "Label", string predictedColumn = "PredictedLabel")
    {
        CheckEnum(metric, nameof(metric));
        return SetMetricManager(new MulticlassMetricManager(metric, labelColumn, predictedColumn));
    }

    /// <summary>Optimizes a regression metric (errors minimized, R² maximized).</summary>
    public AutoMLExperiment SetRegressionMetric(RegressionMetric metric = RegressionMetric.RSquared, string labelColumn = "Label",
        string scoreColumn = "Score")
    {
        CheckEnum(metric, nameof(metric));
        return SetMetricManager(new RegressionMetricManager(metric, labelColumn, scoreColumn));
    }

    /// <summary>Optimizes a custom metric.</summary>
    public AutoMLExperiment SetMetricManager(IMetricManager metricManager)
    {
        _metric = metricManager ?? throw new ArgumentNullException(nameof(metricManager));
        return this;
    }

    /// <summary>Stops starting trials after <paramref name="seconds"/> and cancels the trials then running (recorded Cancelled).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Zero seconds.</exception>
    public AutoMLExperiment SetTrainingTimeInSeconds(uint seconds)
    {
        if (seconds == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "The training time must be at least 1 second.");
        }

        _trainingTime = TimeSpan.FromSeconds(seconds);
        return this;
    }

    /// <summary>Runs at most <paramref name="maxTrials"/> trials (every started trial counts, whatever its state).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 1.</exception>
    public AutoMLExperiment SetMaxTrials(int maxTrials)
    {
        if (maxTrials < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxTrials), maxTrials, "The trial budget must be at least 1.");
        }

        _maxTrials = maxTrials;
        return this;
    }

    /// <summary>Microsoft.ML.AutoML's name for <see cref="SetMaxTrials"/>.</summary>
    public AutoMLExperiment SetMaxModelToExplore(int maxModelToExplore) => SetMaxTrials(maxModelToExplore);

    /// <summary>Stops a trial that runs longer than <paramref name="limit"/>; it is recorded <see cref="TrialState.TimedOut"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive.</exception>
    public AutoMLExperiment SetTrialTimeLimit(TimeSpan limit)
    {
        if (limit <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "The per-trial time limit must be positive.");
        }

        _trialTimeLimit = limit;
        return this;
    }

    /// <summary>How often the process is sampled for the trials' peak memory and CPU (<see cref="SetPerformanceMonitor"/>): 1 s.</summary>
    internal static readonly TimeSpan DefaultMonitorInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Stops a trial while the process's working set is above <paramref name="megaBytes"/> MiB (Microsoft.ML.AutoML's
    /// guard): the trial is recorded <see cref="TrialState.Failed"/> with an <see cref="InsufficientMemoryException"/>
    /// giving the working set and the limit, and the search goes on. The process is sampled every
    /// <see cref="SetPerformanceMonitor">check interval</see>; a sample above the limit first collects the managed heap,
    /// and only a process still above it stops the trial. The guard sees the whole process: trials running side by side
    /// (<see cref="SetParallelism"/>) are all stopped, and a spike between two samples goes unseen. A trainer that
    /// ignores cancellation (LightGBM) is abandoned after the grace period but holds its memory until it ends; new trials
    /// wait for such a trial while the process is above the limit.
    /// </summary>
    /// <param name="megaBytes">The limit in MiB (as <see cref="TrialResult.PeakMemoryInMegaByte"/>); positive and finite. Default: no limit.</param>
    /// <exception cref="ArgumentOutOfRangeException">Not positive, or not finite.</exception>
    public AutoMLExperiment SetMaximumMemoryUsageInMegaByte(double megaBytes)
    {
        if (!(megaBytes > 0) || !double.IsFinite(megaBytes))
        {
            throw new ArgumentOutOfRangeException(nameof(megaBytes), megaBytes, "The memory limit must be a positive, finite number of MiB.");
        }

        _maximumMemoryInMegaBytes = megaBytes;
        return this;
    }

    /// <summary>
    /// Sets how often the process is sampled while trials run, for <see cref="TrialResult.PeakMemoryInMegaByte"/>,
    /// <see cref="TrialResult.PeakCpu"/> and the memory limit (Microsoft.ML.AutoML's name). Every trial is sampled at its
    /// start, at this interval and at its end.
    /// </summary>
    /// <param name="checkIntervalInMilliseconds">The interval. Default 1000 ms; at least 10.</param>
    /// <exception cref="ArgumentOutOfRangeException">Below 10 ms.</exception>
    public AutoMLExperiment SetPerformanceMonitor(int checkIntervalInMilliseconds = 1000)
    {
        if (checkIntervalInMilliseconds < 10)
        {
            throw new ArgumentOutOfRangeException(nameof(checkIntervalInMilliseconds), checkIntervalInMilliseconds,
                "The check interval must be at least 10 ms.");
        }

        _monitorInterval = TimeSpan.FromMilliseconds(checkIntervalInMilliseconds);
        return this;
    }

    /// <summary>How long a cancelled trial may take to stop before it is abandoned (default 0.5 s).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public AutoMLExperiment SetCancellationGracePeriod(TimeSpan gracePeriod)
    {
        if (gracePeriod < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(gracePeriod), gracePeriod, "The grace period must not be negative.");
        }

        _gracePeriod = gracePeriod;
        return this;
    }

    /// <summary>
    /// Sets how often this experiment's running trials refresh their heartbeat in the storage, and how old another
    /// worker's heartbeat must be for its trial to be reclaimed (put back in the queue and run again), as
    /// <see cref="TrialWorkerOptions.HeartbeatInterval"/> and <see cref="TrialWorkerOptions.StaleAfter"/> do for a
    /// <see cref="TrialWorker"/>. Use the same values in every process sharing a study.
    /// </summary>
    /// <param name="interval">The heartbeat period. Default <see cref="TrialWorkerOptions.Defaults.HeartbeatInterval"/> (10 s); positive.</param>
    /// <param name="staleAfter">The staleness limit. Default null: twice <paramref name="interval"/>; must exceed <paramref name="interval"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> is not positive, or the staleness limit does not exceed it.</exception>
    public AutoMLExperiment SetHeartbeat(TimeSpan interval, TimeSpan? staleAfter = null)
    {
        if (interval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "The heartbeat interval must be positive.");
        }

        if ((staleAfter ?? 2 * interval) <= interval)
        {
            throw new ArgumentOutOfRangeException(nameof(staleAfter), staleAfter,
                $"staleAfter must exceed the heartbeat interval ({interval}), or live trials get reclaimed.");
        }

        _heartbeatInterval = interval;
        _staleAfter = staleAfter;
        return this;
    }

    /// <summary>The heartbeat period of running trials (<see cref="SetHeartbeat"/>).</summary>
    internal TimeSpan HeartbeatInterval => _heartbeatInterval;

    /// <summary>The staleness limit after which another worker's running trial is reclaimed (<see cref="SetHeartbeat"/>).</summary>
    internal TimeSpan StaleAfter => _staleAfter ?? 2 * _heartbeatInterval;

    /// <summary>Sets the tuner (it must already know the search space).</summary>
    public AutoMLExperiment SetTuner(ITuner tuner)
    {
        _tuner = tuner ?? throw new ArgumentNullException(nameof(tuner));
        _tunerFactory = null;
        return this;
    }

    /// <summary>Sets a tuner created at the start of each run from the experiment's seed.</summary>
    public AutoMLExperiment SetTuner(Func<int, ITuner> createFromSeed)
    {
        _tunerFactory = createFromSeed ?? throw new ArgumentNullException(nameof(createFromSeed));
        _tuner = null;
        return this;
    }

    /// <summary>Random search over the pipeline's search space, seeded with <paramref name="seed"/> (default: the experiment's seed).</summary>
    public AutoMLExperiment SetRandomSearchTuner(int? seed = null) =>
        SetTuner(s => new RandomSearchTuner(RequireSearchSpace(nameof(SetRandomSearchTuner)), seed ?? s));

    /// <summary>Grid search over the pipeline's search space, <paramref name="step"/> points per continuous dimension.</summary>
    public AutoMLExperiment SetGridSearchTuner(int step = 10) =>
        SetTuner(_ => new GridSearchTuner(RequireSearchSpace(nameof(SetGridSearchTuner)), step));

    /// <summary>Optuna-style TPE over the pipeline's search space (default options seeded with the experiment's seed).</summary>
    public AutoMLExperiment SetTpeTuner(TpeOptions? options = null) =>
        SetTuner(s => new TpeTuner(RequireSearchSpace(nameof(SetTpeTuner)), options ?? new TpeOptions { Seed = s }));

    /// <summary>FLAML's CFO over the pipeline's search space (default options seeded with the experiment's seed).</summary>
    public AutoMLExperiment SetCostFrugalTuner(CostFrugalTunerOptions? options = null) =>
        SetTuner(s => new CostFrugalTuner(RequireSearchSpace(nameof(SetCostFrugalTuner)), options ?? new CostFrugalTunerOptions { Seed = s }));

    /// <summary>ECI-style cost-aware search over model families (default options seeded with the experiment's seed).</summary>
    public AutoMLExperiment SetEciCostFrugalTuner(EciCostFrugalTunerOptions? options = null) =>
        SetTuner(s => new EciCostFrugalTuner(RequireSearchSpace(nameof(SetEciCostFrugalTuner)), options ?? new EciCostFrugalTunerOptions { Seed = s }));

    /// <summary>
    /// The tuner of an experiment given none, seeded with the experiment's seed. As Microsoft.ML.AutoML's <c>SetPipeline</c> sets it:
    /// ECI-CFO over a sweepable pipeline, with its estimators' cost priors; ECI-CFO over a search space with one top-level one-of
    /// (the model families); CFO over any other space.
    /// </summary>
    private ITuner DefaultTuner(int seed)
    {
        if (_sweepablePipeline is { } pipeline) return new EciCostFrugalTuner(pipeline, new EciCostFrugalTunerOptions { Seed = seed });
        var space = RequireSearchSpace("The default tuner");
        return space.Count(kv => kv.Value is OneOfOption) == 1
            ? new EciCostFrugalTuner(space, new EciCostFrugalTunerOptions { Seed = seed })
            : new CostFrugalTuner(space, new CostFrugalTunerOptions { Seed = seed });
    }

    private SearchSpace RequireSearchSpace(string helper) => _searchSpace
        ?? throw new InvalidOperationException($"{helper} needs the search space: pass it to SetPipeline(build, searchSpace), or use SetTuner with your own tuner.");

    /// <summary>Sets the pruner asked after every intermediate report (none by default).</summary>
    public AutoMLExperiment SetPruner(IPruner pruner)
    {
        _pruner = pruner ?? throw new ArgumentNullException(nameof(pruner));
        return this;
    }

    /// <summary>Sets the monitor told about running, ended and best trials (called from one thread at a time).</summary>
    public AutoMLExperiment SetMonitor(IMonitor monitor)
    {
        _monitor = monitor ?? throw new ArgumentNullException(nameof(monitor));
        return this;
    }

    /// <summary>Keeps the trials in <paramref name="storage"/> under <paramref name="studyName"/> (default: a new in-memory storage per run).</summary>
    public AutoMLExperiment SetStorage(ITrialStorage storage, string studyName = "default")
    {
        ArgumentException.ThrowIfNullOrEmpty(studyName);
        _storage = storage ?? throw new ArgumentNullException(nameof(storage));
        _studyName = studyName;
        return this;
    }

    /// <summary>
    /// Runs up to <paramref name="workers"/> trials at once in this process (each with its own context and seed). With more than one,
    /// each trial's neural trainers get ⌊processor count / workers⌋ TorchSharp threads (at least 1; <see cref="TrialScope.NumberOfThreads"/>),
    /// because LibTorch's OpenMP workers slow down by orders of magnitude when they do not get a core each.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 1.</exception>
    public AutoMLExperiment SetParallelism(int workers)
    {
        if (workers < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(workers), workers, "At least 1 worker is needed.");
        }

        _parallelism = workers;
        return this;
    }

    /// <summary>The TorchSharp threads each trial's neural trainers get when <paramref name="parallelism"/> trials run at once; null for one.</summary>
    internal static int? ThreadsPerTrial(int parallelism) => parallelism > 1 ? Math.Max(1, Environment.ProcessorCount / parallelism) : null;

    /// <summary>When a failed trial ends the experiment (default <see cref="FailFastPolicy.Never"/>).</summary>
    public AutoMLExperiment SetFailFastPolicy(FailFastPolicy policy)
    {
        CheckEnum(policy, nameof(policy));
        _failFast = policy;
        return this;
    }

    /// <summary>Whether the best pipeline is refit on all the training data at the end (default true).</summary>
    public AutoMLExperiment SetRefit(bool refit)
    {
        _refit = refit;
        return this;
    }

    /// <summary>
    /// Runs a trial with <paramref name="parameter"/> before the tuner proposes any (Optuna's <c>enqueue_trial</c>, FLAML's
    /// <c>points_to_evaluate</c>): a configuration known to be good, the defaults, or last week's best. Enqueued trials run in
    /// the order given, count towards <see cref="SetMaxTrials"/>, and the tuner learns from their results as from its own
    /// (CFO and ECI restart their local search from a better one). With a search space, <paramref name="parameter"/> may give
    /// only the values that matter: the rest take the space's defaults (<see cref="SearchSpace.CompleteParameter"/>). A
    /// parameter equal to one of a stored study's trials is not run again, so resuming a study does not repeat it.
    /// </summary>
    /// <param name="parameter">The trial's parameter, e.g. <c>{ "_SCHEMA_": { "Kind": "e1", "e1": { "LearningRate": 0.01 } } }</c>
    /// for a sweepable pipeline.</param>
    /// <exception cref="ArgumentException">With a search space already set: a key that is not an option, or a value
    /// outside its option (the message names the key).</exception>
    public AutoMLExperiment EnqueueTrial(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (_searchSpace is { } space)
        {
            space.CompleteParameter(parameter);
        }

        _enqueued.Add(parameter);
        return this;
    }

    /// <summary>Runs the experiment synchronously (blocks until <see cref="RunAsync"/> ends).</summary>
    public AutoMLExperimentResult Run(CancellationToken cancellationToken = default) =>
        Task.Run(() => RunAsync(cancellationToken), CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>
    /// Runs trials until the budget ends or <paramref name="cancellationToken"/> is cancelled, then refits the best pipeline
    /// (skipped after cancellation). Returns within about the grace period of cancellation with the best trial so far.
    /// </summary>
    /// <exception cref="InvalidOperationException">The experiment lacks a pipeline or runner, dataset, metric or tuner, has no
    /// budget that can end, or is already running.</exception>
    public async Task<AutoMLExperimentResult> RunAsync(CancellationToken cancellationToken = default)
    {
        Validate(cancellationToken);
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException("The experiment is already running; run one at a time.");
        }

        try
        {
            return await Task.Run(() => new ExperimentRun(this, cancellationToken).RunAsync(), CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    private void Validate(CancellationToken cancellationToken)
    {
        if (_pipeline is null && _runnerFactory is null)
        {
            throw new InvalidOperationException("Call SetPipeline or SetTrialRunner before running the experiment.");
        }

        if (_pipeline is not null && _dataset is null)
        {
            throw new InvalidOperationException("Call SetDataset before running a pipeline experiment.");
        }

        if (_metric is null)
        {
            throw new InvalidOperationException("Call SetBinaryClassificationMetric, SetMulticlassClassificationMetric, SetRegressionMetric or SetMetricManager first.");
        }

        if (_tuner is null && _tunerFactory is null && _searchSpace is null)
        {
            throw new InvalidOperationException(
                "No tuner and no search space: give the search space to SetPipeline (the default tuner, ECI-CFO, searches it) or call SetTuner.");
        }

        if (_trainingTime is null && _maxTrials is null && !cancellationToken.CanBeCanceled)
        {
            throw new InvalidOperationException("The experiment has no budget: call SetTrainingTimeInSeconds or SetMaxTrials, or pass a cancellable token.");
        }
    }

    private static void CheckEnum<T>(T value, string name) where T : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"Allowed values: {string.Join(", ", Enum.GetNames<T>())}.");
        }
    }

    /// <summary>The state of one run.</summary>
    private sealed class ExperimentRun
    {
        private readonly AutoMLExperiment _e;
        private readonly CancellationToken _userToken;
        private readonly IMetricManager _metric;
        private readonly ITuner _tuner;
        private readonly ITrialStorage _storage;
        private readonly bool _ownsStorage;
        private readonly TrialHistory _history = new();
        private readonly object _gate = new();
        private readonly List<TrialResult> _results = [];
        private TrialResult? _best;
        private int _started;
        // Trials abandoned after cancellation whose fits still run in the background (they hold their memory until they end).
        private int _abandoned;
        private Exception? _failFast;
        // Trial ids the tuner has been told about (under lock(_tuner)): this run's own and the study's stored ones.
        private readonly HashSet<int> _told = [];
        // Unique per run, so workers of several processes or machines sharing a study never share an id.
        private readonly string _runId = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

        public ExperimentRun(AutoMLExperiment experiment, CancellationToken userToken)
        {
            _e = experiment;
            _userToken = userToken;
            _metric = experiment._metric!;
            _tuner = experiment._tuner ?? (experiment._tunerFactory ?? experiment.DefaultTuner)(experiment._seed);
            _ownsStorage = experiment._storage is null;
            _storage = experiment._storage ?? new InMemoryTrialStorage();
        }

        public async Task<AutoMLExperimentResult> RunAsync()
        {
            try
            {
                await _storage.CreateOrOpenStudyAsync(_e._studyName, _metric.IsMaximize, _userToken).ConfigureAwait(false);
                var stored = await ResumeAsync().ConfigureAwait(false);
                await EnqueueAsync(stored).ConfigureAwait(false);
                using var budget = CancellationTokenSource.CreateLinkedTokenSource(_userToken);
                if (_e._trainingTime is { } time)
                {
                    budget.CancelAfter(time);
                }

                var workers = Enumerable.Range(0, _e._parallelism)
                    .Select(w => Task.Run(() => WorkerAsync($"{_runId}/worker-{w}", budget), CancellationToken.None)).ToArray();
                await Task.WhenAll(workers).ConfigureAwait(false);
                if (_failFast is not null)
                {
                    throw new InvalidOperationException($"A trial failed and the fail-fast policy is {_e._failFast}: {_failFast.Message}", _failFast);
                }

                List<TrialResult> trials;
                lock (_gate)
                {
                    trials = _results.OrderBy(r => r.TrialSettings.TrialId).ToList();
                }

                bool cancelled = _userToken.IsCancellationRequested;
                var model = _best?.Model;
                bool refit = false;
                if (_best is not null && _e._refit && _e._pipeline is not null && !cancelled)
                {
                    var context = CreateTrialContext(_e._seed);
                    model = _e._pipeline(context, _best.TrialSettings.Parameter).Fit(_e._dataset!.AllData);
                    refit = true;
                }

                return new AutoMLExperimentResult(_metric.MetricName, _metric.IsMaximize, trials, _best, model, refit, cancelled, _e._searchSpace);
            }
            finally
            {
                if (_ownsStorage)
                {
                    _storage.Dispose();
                }
            }
        }

        /// <summary>
        /// Continues a stored study: every ended trial (not cancelled ones) is replayed into the tuner in id order, joins the
        /// pruner's history and the results (without a model), and counts towards the trial budget.
        /// </summary>
        private async Task<IReadOnlyList<StoredTrial>> ResumeAsync()
        {
            var stored = await _storage.GetTrialsAsync(_e._studyName, _userToken).ConfigureAwait(false);
            _started = stored.Count;
            foreach (var trial in stored.Where(t => t.State.IsTunerEvidence()))
            {
                var result = trial.ToTrialResult();
                _history.AddTrial(trial.TrialId);
                foreach (var (step, value) in trial.IntermediateValues)
                {
                    _history.Report(trial.TrialId, step, _metric.IsMaximize ? -value : value);
                }

                _history.SetState(trial.TrialId, trial.State);
                lock (_tuner)
                {
                    _told.Add(trial.TrialId);
                    _tuner.Update(result);
                }

                lock (_gate)
                {
                    _results.Add(result);
                    if (result.State == TrialState.Complete && double.IsFinite(result.Loss) && (_best is null || result.Loss < _best.Loss))
                    {
                        _best = result;
                    }
                }
            }

            return stored;
        }

        /// <summary>
        /// Puts the experiment's enqueued trials (completed with the search space's defaults) into the study as waiting trials,
        /// which workers claim before asking the tuner; one whose parameter a stored trial already has is skipped.
        /// </summary>
        private async Task EnqueueAsync(IReadOnlyList<StoredTrial> stored)
        {
            var present = stored.Select(t => Parameter.FromJson(t.ParameterJson).ToJson()).ToHashSet(StringComparer.Ordinal);
            foreach (var parameter in _e._enqueued)
            {
                var json = (_e._searchSpace?.CompleteParameter(parameter) ?? parameter).ToJson();
                if (present.Add(json))
                {
                    await _storage.EnqueueAsync(_e._studyName, json, _userToken).ConfigureAwait(false);
                }
            }
        }

        /// <summary>Tells the tuner about trials other processes ended since this run last proposed (under lock(_tuner)).</summary>
        private void CatchUp(IReadOnlyList<StoredTrial> history)
        {
            foreach (var trial in history)
            {
                if (trial.State.IsTunerEvidence() && _told.Add(trial.TrialId))
                {
                    _tuner.Update(trial.ToTrialResult());
                }
            }

            // TPE's constant liar also needs the trials running now, in this process or another.
            if (_tuner is TpeTuner tpe && tpe.ConstantLiar)
            {
                tpe.ObserveRunning(history.Where(t => t.State == TrialState.Running).Select(t => (t.TrialId, Parameter.FromJson(t.ParameterJson))));
            }
        }

        private async Task WorkerAsync(string workerId, CancellationTokenSource budget)
        {
            while (!budget.IsCancellationRequested && Volatile.Read(ref _failFast) is null)
            {
                if (_e._maxTrials is { } max && Interlocked.Increment(ref _started) > max)
                {
                    return;
                }

                Parameter? proposed = null;
                StoredTrial? stored;
                try
                {
                    await WaitForAbandonedTrialsMemoryAsync(budget.Token).ConfigureAwait(false);
                    // A trial enqueued, or reclaimed from a dead worker, runs before any new proposal.
                    await _storage.ReclaimStaleAsync(_e._studyName, _e.StaleAfter, budget.Token).ConfigureAwait(false);
                    stored = await _storage.ClaimAsync(_e._studyName, workerId, budget.Token).ConfigureAwait(false);
                    proposed = stored is null ? null : Parameter.FromJson(stored.ParameterJson);
                    stored ??= await _storage.ProposeAndClaimAsync(_e._studyName, workerId, (history, id) =>
                    {
                        if (_e._maxTrials is { } studyMax && history.Count >= studyMax)
                        {
                            return null;    // the study's budget, counted over every process sharing it
                        }

                        lock (_tuner)
                        {
                            CatchUp(history);
                            proposed = _tuner.Propose(new TrialSettings { TrialId = id, Parameter = Parameter.CreateNestedParameter() });
                        }

                        return proposed.ToJson();
                    }, budget.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (budget.IsCancellationRequested)
                {
                    return;
                }

                if (stored is null || proposed is null)
                {
                    return;
                }

                var result = await RunTrialAsync(stored.TrialId, proposed, workerId, budget).ConfigureAwait(false);
                Record(result);
                if (result.State == TrialState.Failed && (_e._failFast == FailFastPolicy.Always || (_e._failFast == FailFastPolicy.FirstTrialOnly && result.TrialSettings.TrialId == 0)))
                {
                    Interlocked.CompareExchange(ref _failFast, result.Exception, null);
                    budget.Cancel();
                }
            }
        }

        /// <summary>
        /// Over the memory limit, waits while abandoned trials still run in the background: their memory comes back when
        /// they end, and a trial started before would be stopped at once. A process over the limit with no such trial
        /// starts its trial, which then fails naming the memory the process held at its start.
        /// </summary>
        private async Task WaitForAbandonedTrialsMemoryAsync(CancellationToken token)
        {
            if (_e._maximumMemoryInMegaBytes is not { } limit)
            {
                return;
            }

            using var process = Process.GetCurrentProcess();
            while (Volatile.Read(ref _abandoned) > 0)
            {
                process.Refresh();
                if (process.WorkingSet64 / (1024.0 * 1024.0) <= limit)
                {
                    return;
                }

                await Task.Delay(_e._monitorInterval, token).ConfigureAwait(false);
            }
        }

        private async Task<TrialResult> RunTrialAsync(int trialId, Parameter parameter, string workerId, CancellationTokenSource budget)
        {
            _history.AddTrial(trialId);
            var reporter = new TrialReporter(trialId, _metric.IsMaximize, _e._pruner, _history,
                (step, value) => _storage.ReportAsync(_e._studyName, trialId, workerId, step, value).GetAwaiter().GetResult());
            var settings = new TrialSettings
            {
                TrialId = trialId, Parameter = parameter, Reporter = reporter, StartedAtUtc = DateTime.UtcNow,
                NumberOfThreads = ThreadsPerTrial(_e._parallelism),
            };
            using var trialCancellation = CancellationTokenSource.CreateLinkedTokenSource(budget.Token);
            reporter.Attach(trialCancellation);
            if (_e._trialTimeLimit is { } limit)
            {
                trialCancellation.CancelAfter(limit);
            }

            lock (_gate)
            {
                _e._monitor?.ReportRunningTrial(settings);
            }

            var clock = Stopwatch.StartNew();
            var token = trialCancellation.Token;
            var resources = TrialResourceMonitor.Start(trialId, _e._monitorInterval, _e._maximumMemoryInMegaBytes, trialCancellation);
            using var heartbeatStop = new CancellationTokenSource();
            var heartbeat = HeartbeatAsync(trialId, workerId, trialCancellation, heartbeatStop.Token);
            ITrialRunner? runner = null;
            Task<TrialResult> run;
            try
            {
                var context = CreateTrialContext(unchecked(_e._seed + trialId));
                runner = _e._runnerFactory is { } factory
                    ? factory(context)
                    : new PipelineTrialRunner(context, _e._pipeline!, _e._dataset!, _metric, _e._seed);
                var r = runner;
                run = Task.Run(() => r.RunAsync(settings, token), CancellationToken.None);
            }
            catch (Exception e)
            {
                runner?.Dispose();
                run = Task.FromException<TrialResult>(e);
            }

            var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (token.Register(() => stopped.TrySetResult()))
            {
                if (await Task.WhenAny(run, stopped.Task).ConfigureAwait(false) != run)
                {
                    await Task.WhenAny(run, Task.Delay(_e._gracePeriod)).ConfigureAwait(false);
                }
            }

            clock.Stop();
            await resources.DisposeAsync().ConfigureAwait(false);
            await heartbeatStop.CancelAsync().ConfigureAwait(false);
            await heartbeat.ConfigureAwait(false);
            bool abandoned = !run.IsCompleted;
            if (abandoned)
            {
                var r = runner;
                Interlocked.Increment(ref _abandoned);
                _ = run.ContinueWith(t =>
                {
                    _ = t.Exception;
                    (t.Status == TaskStatus.RanToCompletion ? t.Result.Model as IDisposable : null)?.Dispose();
                    r?.Dispose();
                    Interlocked.Decrement(ref _abandoned);
                }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            else
            {
                runner?.Dispose();
            }

            settings.EndedAtUtc = DateTime.UtcNow;
            // A runner that returned is complete unless the pruner stopped it; otherwise the reason the token was cancelled
            // names the state, and an exception nobody asked for is a failure.
            TrialState state;
            Exception? error = null;
            TrialResult? output = null;
            if (!abandoned && run.IsCompletedSuccessfully && !reporter.IsPruned)
            {
                output = run.Result;
                state = TrialState.Complete;
            }
            else
            {
                if (resources.MemoryLimitException is { } memory)
                {
                    state = TrialState.Failed;
                    error = memory;
                }
                else if (reporter.IsPruned)
                {
                    state = TrialState.Pruned;
                }
                else if (token.IsCancellationRequested)
                {
                    state = budget.IsCancellationRequested ? TrialState.Cancelled : TrialState.TimedOut;
                }
                else
                {
                    state = TrialState.Failed;
                    error = run.Exception is { } aggregate
                        ? (aggregate.InnerExceptions.Count == 1 ? aggregate.InnerException : aggregate)
                        : new OperationCanceledException("The trial runner cancelled itself; the experiment did not cancel it.");
                }

                if (!abandoned && run.IsCompletedSuccessfully)
                {
                    (run.Result.Model as IDisposable)?.Dispose();
                }
            }

            double metric = output?.Metric ?? double.NaN;
            var result = new TrialResult
            {
                TrialSettings = settings,
                Model = output?.Model,
                Metric = metric,
                Loss = state == TrialState.Complete ? (_metric.IsMaximize ? -metric : metric) : double.NaN,
                DurationInMilliseconds = clock.Elapsed.TotalMilliseconds,
                State = state,
                IntermediateValues = reporter.Values,
                Exception = error,
                PeakCpu = output?.PeakCpu ?? resources.PeakCpu,
                PeakMemoryInMegaByte = output?.PeakMemoryInMegaByte ?? resources.PeakMemoryInMegaByte,
            };
            _history.SetState(trialId, state);
            try
            {
                await _storage.FinishAsync(_e._studyName, trialId, workerId, state, state == TrialState.Complete ? metric : null,
                    state == TrialState.Complete ? result.Loss : null, error?.Message, result.DurationInMilliseconds).ConfigureAwait(false);
            }
            catch (TrialClaimLostException)
            {
                // The trial was reclaimed (this run stalled past StaleAfter) and belongs to another worker now: keep its result here only.
            }

            return result;
        }

        /// <summary>Refreshes a running trial's heartbeat until stopped; cancels the trial if its claim was lost.</summary>
        private async Task HeartbeatAsync(int trialId, string workerId, CancellationTokenSource trial, CancellationToken stop)
        {
            using var timer = new PeriodicTimer(_e.HeartbeatInterval);
            try
            {
                while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
                {
                    try
                    {
                        await _storage.HeartbeatAsync(_e._studyName, trialId, workerId, stop).ConfigureAwait(false);
                    }
                    catch (TrialClaimLostException)
                    {
                        await trial.CancelAsync().ConfigureAwait(false);
                        return;
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // A transient storage error: the next tick tries again (staleness allows for a missed beat).
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        private void Record(TrialResult result)
        {
            lock (_gate)
            {
                _results.Add(result);
                _e._monitor?.ReportCompletedTrial(result);
                lock (_tuner)
                {
                    if (_told.Add(result.TrialSettings.TrialId))
                    {
                        _tuner.Update(result);
                    }
                }

                if (result.State == TrialState.Complete && double.IsFinite(result.Loss) &&
                    (_best is null || result.Loss < _best.Loss || (result.Loss == _best.Loss && result.TrialSettings.TrialId < _best.TrialSettings.TrialId)))
                {
                    _best = result;
                    _e._monitor?.ReportBestTrial(result);
                }
            }
        }

        private MLContext CreateTrialContext(int seed) => new(seed)
        {
            GpuDeviceId = _e._context.GpuDeviceId,
            FallbackToCpu = _e._context.FallbackToCpu,
            TempFilePath = _e._context.TempFilePath,
        };
    }
}
