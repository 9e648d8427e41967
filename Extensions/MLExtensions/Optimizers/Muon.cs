using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// Muon, momentum orthogonalized by Newton–Schulz (Jordan et al. 2024), as in KellerJordan/Muon <c>muon.py</c>
/// (<c>SingleDeviceMuon</c> and <c>SingleDeviceMuonWithAuxAdam</c>): matrix parameters take the orthogonalized Nesterov
/// momentum, scaled by <c>√max(1, rows/cols)</c>; groups with <c>UseMuon = false</c> take the reference's auxiliary Adam step.
/// </summary>
/// <remarks>
/// Muon groups accept parameters with ndim ≥ 2, treated as the reference treats them: a 4-D (convolution) weight is orthogonalized
/// as one matrix per output channel, <c>(size(0), -1)</c>; a 3-D or 5-D or larger tensor as a batch of matrices over its last two
/// dims; and the scale <c>√max(1, rows/cols)</c> always comes from the parameter's last two dims (for a 4-D weight, its kernel's).
/// </remarks>
public sealed class Muon : OptimizerBase<Muon.Options, Muon.State>
{
    private const double A = 3.4445, B = -4.7750, C = 2.0315;

    /// <summary>Creates Muon with every parameter in one Muon group (all must be matrices).</summary>
    /// <param name="parameters">The matrix parameters to optimize.</param>
    /// <param name="lr">Learning rate. Default 0.02; greater than 0.</param>
    /// <param name="momentum">Momentum factor. Default 0.95; in [0, 1).</param>
    /// <param name="weightDecay">Decoupled weight decay. Default 0; at least 0.</param>
    /// <param name="nesterov">Nesterov momentum. Default true.</param>
    /// <param name="nsSteps">Newton–Schulz iterations. Default 5; at least 1.</param>
    /// <param name="precision">Newton–Schulz precision. Default <see cref="NewtonSchulzPrecision.ParameterDtype"/>.</param>
    public Muon(IEnumerable<Parameter> parameters, double lr = 0.02, double momentum = 0.95, double weightDecay = 0, bool nesterov = true,
                int nsSteps = 5, NewtonSchulzPrecision precision = NewtonSchulzPrecision.ParameterDtype)
        : this([new ParamGroup(parameters)], lr, momentum, weightDecay, nesterov, nsSteps, precision)
    {
    }

    /// <summary>Creates Muon over parameter groups; options a group leaves unset take these defaults (Adam ones included).</summary>
    /// <param name="groups">The parameter groups; set <see cref="Options.UseMuon"/> to false on groups of non-matrix parameters.</param>
    /// <param name="lr">Learning rate. Default 0.02; greater than 0.</param>
    /// <param name="momentum">Momentum factor. Default 0.95; in [0, 1).</param>
    /// <param name="weightDecay">Decoupled weight decay. Default 0; at least 0.</param>
    /// <param name="nesterov">Nesterov momentum. Default true.</param>
    /// <param name="nsSteps">Newton–Schulz iterations. Default 5; at least 1.</param>
    /// <param name="precision">Newton–Schulz precision. Default <see cref="NewtonSchulzPrecision.ParameterDtype"/>.</param>
    /// <param name="adamBeta1">Adam groups' first-moment decay. Default 0.9; in [0, 1).</param>
    /// <param name="adamBeta2">Adam groups' second-moment decay. Default 0.95; in [0, 1).</param>
    /// <param name="adamEpsilon">Adam groups' denominator term. Default 1e-10; greater than 0.</param>
    public Muon(IEnumerable<ParamGroup> groups, double lr = 0.02, double momentum = 0.95, double weightDecay = 0, bool nesterov = true,
                int nsSteps = 5, NewtonSchulzPrecision precision = NewtonSchulzPrecision.ParameterDtype, double adamBeta1 = 0.9,
                double adamBeta2 = 0.95, double adamEpsilon = 1e-10)
        : base(groups, new Options
        {
            LearningRate = lr, Momentum = momentum, WeightDecay = weightDecay, Nesterov = nesterov, NsSteps = nsSteps, Precision = precision,
            UseMuon = true, Beta1 = adamBeta1, Beta2 = adamBeta2, Epsilon = adamEpsilon,
        })
    {
    }

    /// <summary>
    /// Muon for the matrices (ndim ≥ 2) of <paramref name="parameters"/> and the reference's auxiliary Adam for the rest, as
    /// <c>SingleDeviceMuonWithAuxAdam</c> is meant to be used. Empty groups are left out.
    /// </summary>
    /// <param name="parameters">All parameters of the model.</param>
    /// <param name="lr">Muon learning rate. Default 0.02.</param>
    /// <param name="momentum">Muon momentum. Default 0.95.</param>
    /// <param name="weightDecay">Muon decoupled weight decay. Default 0.</param>
    /// <param name="adamLr">Adam learning rate. Default 3e-4.</param>
    /// <param name="adamBeta1">Adam first-moment decay. Default 0.9.</param>
    /// <param name="adamBeta2">Adam second-moment decay. Default 0.95.</param>
    /// <param name="adamEpsilon">Adam denominator term. Default 1e-10.</param>
    /// <param name="adamWeightDecay">Adam decoupled weight decay. Default 0.</param>
    /// <param name="precision">Newton–Schulz precision. Default <see cref="NewtonSchulzPrecision.ParameterDtype"/>.</param>
    /// <param name="nesterov">Muon Nesterov momentum. Default true.</param>
    /// <param name="nsSteps">Newton–Schulz iterations. Default 5.</param>
    public static Muon WithAuxAdam(IEnumerable<Parameter> parameters, double lr = 0.02, double momentum = 0.95, double weightDecay = 0,
                                   double adamLr = 3e-4, double adamBeta1 = 0.9, double adamBeta2 = 0.95, double adamEpsilon = 1e-10,
                                   double adamWeightDecay = 0, NewtonSchulzPrecision precision = NewtonSchulzPrecision.ParameterDtype,
                                   bool nesterov = true, int nsSteps = 5)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var all = parameters.ToList();
        var groups = new List<ParamGroup>();
        var matrices = all.Where(p => p.dim() >= 2).ToList();
        var others = all.Where(p => p.dim() < 2).ToList();
        if (matrices.Count > 0)
            groups.Add(new ParamGroup(matrices, new Options { UseMuon = true }));
        if (others.Count > 0)
            groups.Add(new ParamGroup(others, new Options
            {
                UseMuon = false, LearningRate = adamLr, Beta1 = adamBeta1, Beta2 = adamBeta2, Epsilon = adamEpsilon, WeightDecay = adamWeightDecay,
            }));
        return new Muon(groups, lr, momentum, weightDecay, nesterov, nsSteps, precision, adamBeta1, adamBeta2, adamEpsilon);
    }

    /// <inheritdoc />
    public override void add_param_group(TorchSharp.Modules.ParamGroup param_group)
    {
        ArgumentNullException.ThrowIfNull(param_group);
        bool useMuon = (param_group.Options as Options)?.UseMuon ?? Defaults.UseMuon ?? true;
        if (useMuon && param_group.Parameters.Any(p => p.dim() < 2))
            throw new ArgumentException("Muon groups take matrix parameters (ndim >= 2); put biases and gains in a group with UseMuon = false.", nameof(param_group));
        base.add_param_group(param_group);
    }

    /// <summary>
    /// Orthogonalizes a matrix with the quintic Newton–Schulz iteration of the reference (rows ≤ cols internally); a tensor with
    /// more than two dims is a batch of matrices over its last two dims, each normalized and iterated on its own, as the reference does.
    /// </summary>
    /// <param name="g">A matrix, or a batch of matrices.</param>
    /// <param name="steps">Number of iterations.</param>
    /// <param name="precision">The dtype to iterate in.</param>
    /// <returns>The approximately orthogonalized matrix (or matrices), in the iteration dtype.</returns>
    public static Tensor NewtonSchulz(Tensor g, int steps, NewtonSchulzPrecision precision)
    {
        ArgumentNullException.ThrowIfNull(g);
        if (g.dim() < 2)
            throw new ArgumentException("Newton–Schulz needs a matrix or a batch of matrices (ndim >= 2).", nameof(g));
        var x = precision == NewtonSchulzPrecision.BFloat16 ? g.to(ScalarType.BFloat16) : g;
        bool tall = x.shape[^2] > x.shape[^1];
        if (tall)
            x = x.transpose(-2, -1);
        using var sc = new StepScalars();
        x = x / linalg.norm(x, dims: [-2, -1], keepdim: true).add(sc[1e-7], alpha: sc.One);
        for (int i = 0; i < steps; i++)
        {
            var a = x.matmul(x.transpose(-2, -1));
            var b = (a * sc[B]).add_(a.matmul(a) * sc[C], alpha: sc.One);
            x = (x * sc[A]).add_(b.matmul(x), alpha: sc.One);
        }

        return tall ? x.transpose(-2, -1) : x;
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
            if (o.Muon)
            {
                double mu = o.Mu;
                var buf = state.MomentumBuffer;
                buf.add_(grad - buf, alpha: sc[1 - mu]);
                var update = o.Nest ? grad.add(buf - grad, alpha: sc[mu]) : buf;
                // As the reference: a 4-D (convolution) update is orthogonalized as one matrix per output channel, any other
                // tensor as a matrix or a batch of matrices over its last two dims; the scale always comes from the last two dims.
                var matrix = update.dim() == 4 ? update.reshape(update.shape[0], -1) : update;
                var orth = NewtonSchulz(matrix, o.Steps, o.Prec);
                orth = orth * sc[Math.Sqrt(Math.Max(1.0, (double)update.shape[^2] / update.shape[^1]))];
                if (wd != 0)
                    p.mul_(sc[1 - lr * wd]);
                p.add_(orth.reshape(p.shape).to(p.dtype), alpha: sc[-lr]);
            }
            else
            {
                double beta1 = o.B1, beta2 = o.B2;
                var m = state.MomentumBuffer;
                var v = state.ExpAvgSq!;
                m.add_(grad - m, alpha: sc[1 - beta1]);
                v.add_(grad * grad - v, alpha: sc[1 - beta2]);
                var mHat = m / sc[1 - Math.Pow(beta1, t)];
                var vHat = v / sc[1 - Math.Pow(beta2, t)];
                var update = mHat / vHat.sqrt().add_(sc[o.Eps], sc.One);
                if (wd != 0)
                    p.mul_(sc[1 - lr * wd]);
                p.add_(update, alpha: sc[-lr]);
            }
        }
    }, closure);

    /// <inheritdoc />
    protected override State CreateState(Parameter parameter) => new(parameter);

    /// <summary>Muon's hyperparameters for one group (Muon and Adam groups share this type).</summary>
    public sealed class Options : OptimizerOptionsBase
    {
        /// <summary>Whether the group takes Muon steps (true) or the auxiliary Adam steps (false).</summary>
        public bool? UseMuon { get; set; }
        /// <summary>Muon momentum factor; in [0, 1).</summary>
        public double? Momentum { get; set; }
        /// <summary>Decoupled weight decay (both kinds of group); at least 0.</summary>
        public double? WeightDecay { get; set; }
        /// <summary>Muon Nesterov momentum.</summary>
        public bool? Nesterov { get; set; }
        /// <summary>Newton–Schulz iterations; at least 1.</summary>
        public int? NsSteps { get; set; }
        /// <summary>Newton–Schulz precision.</summary>
        public NewtonSchulzPrecision? Precision { get; set; }
        /// <summary>Adam first-moment decay; in [0, 1).</summary>
        public double? Beta1 { get; set; }
        /// <summary>Adam second-moment decay; in [0, 1).</summary>
        public double? Beta2 { get; set; }
        /// <summary>Adam denominator term; greater than 0.</summary>
        public double? Epsilon { get; set; }

        internal bool Muon => Required(UseMuon, nameof(UseMuon));
        internal double Mu => Required(Momentum, nameof(Momentum));
        internal double Wd => Required(WeightDecay, nameof(WeightDecay));
        internal bool Nest => Required(Nesterov, nameof(Nesterov));
        internal int Steps => Required(NsSteps, nameof(NsSteps));
        internal NewtonSchulzPrecision Prec => Required(Precision, nameof(Precision));
        internal double B1 => Required(Beta1, nameof(Beta1));
        internal double B2 => Required(Beta2, nameof(Beta2));
        internal double Eps => Required(Epsilon, nameof(Epsilon));

        /// <inheritdoc />
        public override void Validate()
        {
            OptimizerChecks.Positive(Required(LearningRate, nameof(LearningRate)), nameof(LearningRate));
            _ = Muon;
            OptimizerChecks.UnitInterval(Mu, nameof(Momentum));
            OptimizerChecks.NonNegative(Wd, nameof(WeightDecay));
            _ = Nest;
            OptimizerChecks.AtLeast(Steps, 1, nameof(NsSteps));
            if (!Enum.IsDefined(Prec))
                throw new ArgumentOutOfRangeException(nameof(Precision), Prec, "Unknown Newton–Schulz precision.");
            OptimizerChecks.UnitInterval(B1, nameof(Beta1));
            OptimizerChecks.UnitInterval(B2, nameof(Beta2));
            OptimizerChecks.Positive(Eps, nameof(Epsilon));
        }
    }

    /// <summary>Muon's state for one parameter.</summary>
    public sealed class State(Parameter parameter) : OptimizerStateBase(parameter, 2)
    {
        /// <summary>Muon: the momentum buffer. Adam groups: the first moment.</summary>
        public Tensor MomentumBuffer => RequireSlot(0);
        /// <summary>Adam groups: the second moment; <see langword="null"/> in Muon groups.</summary>
        public Tensor? ExpAvgSq => GetSlot(1);

        /// <inheritdoc />
        protected override void InitializeSlots(OptimizerOptions options)
        {
            SetSlot(0, ZerosLikeParameter());
            if (!((Options)options).Muon)
                SetSlot(1, ZerosLikeParameter());
        }
    }

    /// <summary>A group of parameters with its own Muon (or auxiliary Adam) options.</summary>
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
