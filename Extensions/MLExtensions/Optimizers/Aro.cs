using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// ARO, adaptively rotated optimization (Gong et al. 2026, arXiv 2602.09006), following microsoft/dion <c>dion/aro.py</c>
/// as summarized in ALGORITHMS.md D11: for a matrix with momentum <c>M</c>, the rotation
/// <c>R_t = Q(QR(M·f(R_{t−1}ᵀM)ᵀ))</c> is updated every step and the weight moves by <c>−η_adj·R_t·f(R_tᵀM)</c>, with
/// decoupled weight decay <c>W ← (1 − η·wd)W</c>. Groups with <c>UseAro = false</c> take AdamW steps.
/// </summary>
/// <remarks>
/// The rotation acts on the smaller side: a matrix with more rows than columns is handled as its transpose (the dion code
/// always rotates rows). Tensors with more than two dims are flattened to <c>(size(0), −1)</c>. <c>R</c> starts as the identity
/// and is kept in float64 for float64 parameters, float32 otherwise. The update does not depend on the signs QR picks for
/// the columns of <c>Q</c>, because every <c>f</c> here commutes with flipping the sign of rows.
/// </remarks>
public sealed class Aro : OptimizerBase<Aro.Options, Aro.State>
{
    /// <summary>Creates ARO with every parameter in one ARO group (all must have ndim ≥ 2).</summary>
    /// <param name="parameters">The matrix parameters.</param>
    /// <param name="lr">Learning rate. Default 0.01; greater than 0.</param>
    /// <param name="momentum">Momentum (EMA) factor. Default 0.95; in [0, 1).</param>
    /// <param name="weightDecay">Decoupled weight decay. Default 0.01; at least 0.</param>
    /// <param name="eps">Norm guard in <c>f</c> (ARO groups) and Adam denominator term (AdamW groups). Default 1e-8; greater than 0.</param>
    /// <param name="rotation">The map <c>f</c>. Default <see cref="AroRotationFunction.Sinkhorn"/>.</param>
    /// <param name="scaling">Learning-rate scaling. Default <see cref="AroLearningRateScaling.RmsNorm"/>.</param>
    /// <param name="sinkhornIterations">Sinkhorn iterations. Default 5; at least 1.</param>
    public Aro(IEnumerable<Parameter> parameters, double lr = 0.01, double momentum = 0.95, double weightDecay = 0.01, double eps = 1e-8,
               AroRotationFunction rotation = AroRotationFunction.Sinkhorn, AroLearningRateScaling scaling = AroLearningRateScaling.RmsNorm,
               int sinkhornIterations = 5)
        : this([new ParamGroup(parameters)], lr, momentum, weightDecay, eps, rotation, scaling, sinkhornIterations)
    {
    }

    /// <summary>Creates ARO over parameter groups; options a group leaves unset take these defaults.</summary>
    /// <param name="groups">The parameter groups; set <see cref="Options.UseAro"/> to false on groups of non-matrix parameters.</param>
    /// <param name="lr">Learning rate. Default 0.01; greater than 0.</param>
    /// <param name="momentum">Momentum (EMA) factor. Default 0.95; in [0, 1).</param>
    /// <param name="weightDecay">Decoupled weight decay. Default 0.01; at least 0.</param>
    /// <param name="eps">Norm guard in <c>f</c> and Adam denominator term. Default 1e-8; greater than 0.</param>
    /// <param name="rotation">The map <c>f</c>. Default <see cref="AroRotationFunction.Sinkhorn"/>.</param>
    /// <param name="scaling">Learning-rate scaling. Default <see cref="AroLearningRateScaling.RmsNorm"/>.</param>
    /// <param name="sinkhornIterations">Sinkhorn iterations. Default 5; at least 1.</param>
    /// <param name="adamBeta1">AdamW groups' first-moment decay. Default 0.9; in [0, 1).</param>
    /// <param name="adamBeta2">AdamW groups' second-moment decay. Default 0.95; in [0, 1).</param>
    public Aro(IEnumerable<ParamGroup> groups, double lr = 0.01, double momentum = 0.95, double weightDecay = 0.01, double eps = 1e-8,
               AroRotationFunction rotation = AroRotationFunction.Sinkhorn, AroLearningRateScaling scaling = AroLearningRateScaling.RmsNorm,
               int sinkhornIterations = 5, double adamBeta1 = 0.9, double adamBeta2 = 0.95)
        : base(groups, new Options
        {
            LearningRate = lr, UseAro = true, Momentum = momentum, WeightDecay = weightDecay, Epsilon = eps, Rotation = rotation,
            Scaling = scaling, SinkhornIterations = sinkhornIterations, Beta1 = adamBeta1, Beta2 = adamBeta2,
        })
    {
    }

    /// <summary>ARO for the matrices (ndim ≥ 2) of <paramref name="parameters"/>, AdamW for the rest; empty groups are left out.</summary>
    /// <param name="parameters">All parameters of the model.</param>
    /// <param name="lr">ARO learning rate. Default 0.01.</param>
    /// <param name="momentum">ARO momentum. Default 0.95.</param>
    /// <param name="weightDecay">ARO decoupled weight decay. Default 0.01.</param>
    /// <param name="adamLr">AdamW learning rate. Default 1e-3.</param>
    /// <param name="adamBeta1">AdamW first-moment decay. Default 0.9.</param>
    /// <param name="adamBeta2">AdamW second-moment decay. Default 0.95.</param>
    /// <param name="adamEpsilon">AdamW denominator term. Default 1e-8.</param>
    /// <param name="adamWeightDecay">AdamW decoupled weight decay. Default 0.01.</param>
    /// <param name="rotation">The map <c>f</c>. Default <see cref="AroRotationFunction.Sinkhorn"/>.</param>
    /// <param name="scaling">Learning-rate scaling. Default <see cref="AroLearningRateScaling.RmsNorm"/>.</param>
    /// <param name="sinkhornIterations">Sinkhorn iterations. Default 5.</param>
    /// <param name="eps">ARO norm guard. Default 1e-8.</param>
    public static Aro WithAdamW(IEnumerable<Parameter> parameters, double lr = 0.01, double momentum = 0.95, double weightDecay = 0.01,
                                double adamLr = 1e-3, double adamBeta1 = 0.9, double adamBeta2 = 0.95, double adamEpsilon = 1e-8,
                                double adamWeightDecay = 0.01, AroRotationFunction rotation = AroRotationFunction.Sinkhorn,
                                AroLearningRateScaling scaling = AroLearningRateScaling.RmsNorm, int sinkhornIterations = 5, double eps = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var all = parameters.ToList();
        var groups = new List<ParamGroup>();
        var matrices = all.Where(p => p.dim() >= 2).ToList();
        var others = all.Where(p => p.dim() < 2).ToList();
        if (matrices.Count > 0)
            groups.Add(new ParamGroup(matrices, new Options { UseAro = true }));
        if (others.Count > 0)
            groups.Add(new ParamGroup(others, new Options
            {
                UseAro = false, LearningRate = adamLr, Beta1 = adamBeta1, Beta2 = adamBeta2, Epsilon = adamEpsilon, WeightDecay = adamWeightDecay,
            }));
        return new Aro(groups, lr, momentum, weightDecay, eps, rotation, scaling, sinkhornIterations, adamBeta1, adamBeta2);
    }

    /// <inheritdoc />
    public override void add_param_group(TorchSharp.Modules.ParamGroup param_group)
    {
        ArgumentNullException.ThrowIfNull(param_group);
        bool useAro = (param_group.Options as Options)?.UseAro ?? Defaults.UseAro ?? true;
        if (useAro && param_group.Parameters.Any(p => p.dim() < 2))
            throw new ArgumentException("ARO groups take matrix parameters (ndim >= 2); put biases and gains in a group with UseAro = false.", nameof(param_group));
        base.add_param_group(param_group);
    }

    /// <summary>Applies the map <paramref name="rotation"/> to an m×n matrix.</summary>
    /// <param name="x">The matrix.</param>
    /// <param name="rotation">Which map.</param>
    /// <param name="sinkhornIterations">Sinkhorn iterations.</param>
    /// <param name="eps">Norm guard.</param>
    public static Tensor ApplyRotationFunction(Tensor x, AroRotationFunction rotation, int sinkhornIterations, double eps)
    {
        ArgumentNullException.ThrowIfNull(x);
        double m = x.shape[0], n = x.shape[1];
        using var sc = new StepScalars();
        switch (rotation)
        {
            case AroRotationFunction.Sign:
                return x.sign();
            case AroRotationFunction.RowNorm:
                return x / x.norm(1, keepdim: true).clamp_min(sc[eps]) * sc[Math.Sqrt(n)];
            case AroRotationFunction.Sinkhorn:
                // One copy, then the row and column normalizations in place (the same operations, without two temporaries each).
                x = x.clone();
                for (int i = 0; i < sinkhornIterations; i++)
                {
                    x.div_(x.norm(1, keepdim: true).clamp_min_(sc[eps])).mul_(sc[Math.Sqrt(n)]);
                    x.div_(x.norm(0, keepdim: true).clamp_min_(sc[eps])).mul_(sc[Math.Sqrt(m)]);
                }
                return x;
            default:
                throw new ArgumentOutOfRangeException(nameof(rotation), rotation, "Unknown ARO rotation function.");
        }
    }

    /// <summary>
    /// One ARO direction for momentum <paramref name="m"/> (m×n, m ≤ n): updates <paramref name="rotation"/> in place to
    /// <c>R_t = Q(QR(M·f(R_{t−1}ᵀM)ᵀ))</c> and returns <c>R_t·f(R_tᵀM)</c>.
    /// </summary>
    internal static Tensor Direction(Tensor m, Tensor rotation, AroRotationFunction f, int sinkhornIterations, double eps)
    {
        var mr = m.to(rotation.dtype);
        var cross = mr.mm(ApplyRotationFunction(rotation.t().mm(mr), f, sinkhornIterations, eps).t());
        var (q, _) = linalg.qr(cross);
        rotation.copy_(q);
        return rotation.mm(ApplyRotationFunction(rotation.t().mm(mr), f, sinkhornIterations, eps)).to(m.dtype);
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var o = group.Options;
        double lr = o.LearningRate!.Value, wd = o.Wd;
        using var sc = new StepScalars();
        foreach (var p in group.Parameters)
        {
            if (p.grad is not { } grad)
                continue;
            var state = GetState(p);
            long t = ++state.Step;
            if (o.Aro)
            {
                double mu = o.Mu;
                var buf = state.Momentum;
                buf.mul_(sc[mu]).add_(grad, alpha: sc[1 - mu]);
                var matrix = buf.reshape(buf.shape[0], -1);
                bool transpose = matrix.shape[0] > matrix.shape[1];
                if (transpose)
                    matrix = matrix.t();
                long rows = matrix.shape[0], cols = matrix.shape[1];
                var direction = Direction(matrix, state.Rotation!, o.F, o.Iterations, o.Eps);
                if (transpose)
                    direction = direction.t();
                double adjusted = o.Scale == AroLearningRateScaling.RmsNorm
                    ? lr * 0.2 * Math.Sqrt(Math.Max(rows, cols))
                    : lr * Math.Sqrt((double)(transpose ? cols : rows) / (transpose ? rows : cols));
                if (wd != 0)
                    p.mul_(sc[1 - lr * wd]);
                p.add_(direction.reshape(p.shape), alpha: sc[-adjusted]);
            }
            else
            {
                double beta1 = o.B1, beta2 = o.B2;
                var m = state.Momentum;
                var v = state.ExpAvgSq!;
                m.mul_(sc[beta1]).add_(grad, alpha: sc[1 - beta1]);
                v.mul_(sc[beta2]).addcmul_(grad, grad, value: sc[1 - beta2]);
                var denom = v.sqrt().div_(sc[Math.Sqrt(1 - Math.Pow(beta2, t))]).add_(sc[o.Eps], sc.One);
                if (wd != 0)
                    p.mul_(sc[1 - lr * wd]);
                p.addcdiv_(m, denom, value: sc[-lr / (1 - Math.Pow(beta1, t))]);
            }
        }
    }, closure);

    /// <inheritdoc />
    protected override State CreateState(Parameter parameter) => new(parameter);

    /// <summary>ARO's hyperparameters for one group (ARO and AdamW groups share this type).</summary>
    public sealed class Options : OptimizerOptionsBase
    {
        /// <summary>Whether the group takes ARO steps (true) or AdamW steps (false).</summary>
        public bool? UseAro { get; set; }
        /// <summary>ARO momentum (EMA) factor; in [0, 1).</summary>
        public double? Momentum { get; set; }
        /// <summary>Decoupled weight decay; at least 0.</summary>
        public double? WeightDecay { get; set; }
        /// <summary>Norm guard (ARO) or denominator term (AdamW); greater than 0.</summary>
        public double? Epsilon { get; set; }
        /// <summary>The map <c>f</c>.</summary>
        public AroRotationFunction? Rotation { get; set; }
        /// <summary>Learning-rate scaling.</summary>
        public AroLearningRateScaling? Scaling { get; set; }
        /// <summary>Sinkhorn iterations; at least 1.</summary>
        public int? SinkhornIterations { get; set; }
        /// <summary>AdamW first-moment decay; in [0, 1).</summary>
        public double? Beta1 { get; set; }
        /// <summary>AdamW second-moment decay; in [0, 1).</summary>
        public double? Beta2 { get; set; }

        internal bool Aro => Required(UseAro, nameof(UseAro));
        internal double Mu => Required(Momentum, nameof(Momentum));
        internal double Wd => Required(WeightDecay, nameof(WeightDecay));
        internal double Eps => Required(Epsilon, nameof(Epsilon));
        internal AroRotationFunction F => Required(Rotation, nameof(Rotation));
        internal AroLearningRateScaling Scale => Required(Scaling, nameof(Scaling));
        internal int Iterations => Required(SinkhornIterations, nameof(SinkhornIterations));
        internal double B1 => Required(Beta1, nameof(Beta1));
        internal double B2 => Required(Beta2, nameof(Beta2));

        /// <inheritdoc />
        public override void Validate()
        {
            OptimizerChecks.Positive(Required(LearningRate, nameof(LearningRate)), nameof(LearningRate));
            _ = Aro;
            OptimizerChecks.UnitInterval(Mu, nameof(Momentum));
            OptimizerChecks.NonNegative(Wd, nameof(WeightDecay));
            OptimizerChecks.Positive(Eps, nameof(Epsilon));
            if (!Enum.IsDefined(F))
                throw new ArgumentOutOfRangeException(nameof(Rotation), F, "Unknown ARO rotation function.");
            if (!Enum.IsDefined(Scale))
                throw new ArgumentOutOfRangeException(nameof(Scaling), Scale, "Unknown ARO learning-rate scaling.");
            OptimizerChecks.AtLeast(Iterations, 1, nameof(SinkhornIterations));
            OptimizerChecks.UnitInterval(B1, nameof(Beta1));
            OptimizerChecks.UnitInterval(B2, nameof(Beta2));
        }
    }

    /// <summary>ARO's state for one parameter.</summary>
    public sealed class State(Parameter parameter) : OptimizerStateBase(parameter, 3)
    {
        /// <summary>ARO: the momentum <c>M</c>. AdamW groups: the first moment.</summary>
        public Tensor Momentum => RequireSlot(0);
        /// <summary>ARO: the rotation <c>R</c> (k×k, k = the smaller side); <see langword="null"/> in AdamW groups.</summary>
        public Tensor? Rotation => GetSlot(1);
        /// <summary>AdamW groups: the second moment; <see langword="null"/> in ARO groups.</summary>
        public Tensor? ExpAvgSq => GetSlot(2);

        /// <inheritdoc />
        protected override void InitializeSlots(OptimizerOptions options)
        {
            SetSlot(0, ZerosLikeParameter());
            if (((Options)options).Aro)
            {
                long rows = Parameter.shape[0], cols = Parameter.numel() / Math.Max(1, rows);
                var dtype = Parameter.dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
                SetSlot(1, torch.eye(Math.Min(rows, cols), dtype: dtype, device: Parameter.device));
            }
            else
            {
                SetSlot(2, ZerosLikeParameter());
            }
        }
    }

    /// <summary>A group of parameters with its own ARO (or AdamW) options.</summary>
    public sealed class ParamGroup : ParamGroup<Options>
    {
        /// <summary>Creates an empty group.</summary>
        public ParamGroup() { }

        /// <summary>Creates a group; options left <see langword="null"/> inherit the optimizer's defaults.</summary>
        /// <param name="parameters">The group's parameters.</param>
        /// <param name="options">The group's options, or <see langword="null"/> for the defaults.</param>
        public ParamGroup(IEnumerable<Parameter> parameters, Options? options = null) : base(parameters, options!) { }
    }
}
