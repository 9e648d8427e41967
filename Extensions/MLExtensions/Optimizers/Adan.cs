using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// Adan, adaptive Nesterov momentum (Xie et al. 2022, arXiv 2208.06677), as in sail-sg/Adan <c>adan.py</c>: moments of the
/// gradient, of the gradient difference and of the squared Nesterov-corrected gradient, with proximal (or decoupled)
/// weight decay, optional global gradient clipping and <see cref="Restart"/>.
/// </summary>
/// <remarks>The betas are decay factors (1 minus the paper's β). Clipping uses the optimizer-wide <c>MaxGradNorm</c> and <c>Epsilon</c>.</remarks>
public sealed class Adan : OptimizerBase<Adan.Options, Adan.State>, torch.optim.IBetas
{
    /// <summary>Creates Adan over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate. Default 1e-3; greater than 0.</param>
    /// <param name="beta1">Decay of the gradient average. Default 0.98; in [0, 1).</param>
    /// <param name="beta2">Decay of the gradient-difference average. Default 0.92; in [0, 1).</param>
    /// <param name="beta3">Decay of the second moment. Default 0.99; in [0, 1).</param>
    /// <param name="eps">Denominator term. Default 1e-8; greater than 0.</param>
    /// <param name="weightDecay">Weight decay. Default 0; at least 0.</param>
    /// <param name="maxGradNorm">Global gradient-norm clip; 0 disables it. Default 0; at least 0.</param>
    /// <param name="noProx">Decoupled decay (<c>p *= 1 - lr·wd</c>) instead of the proximal <c>p /= 1 + lr·wd</c>. Default false.</param>
    public Adan(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.98, double beta2 = 0.92, double beta3 = 0.99,
                double eps = 1e-8, double weightDecay = 0, double maxGradNorm = 0, bool noProx = false)
        : this([new ParamGroup(parameters)], lr, beta1, beta2, beta3, eps, weightDecay, maxGradNorm, noProx)
    {
    }

    /// <summary>Creates Adan over parameter groups; options a group leaves unset take these defaults.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Learning rate. Default 1e-3; greater than 0.</param>
    /// <param name="beta1">Decay of the gradient average. Default 0.98; in [0, 1).</param>
    /// <param name="beta2">Decay of the gradient-difference average. Default 0.92; in [0, 1).</param>
    /// <param name="beta3">Decay of the second moment. Default 0.99; in [0, 1).</param>
    /// <param name="eps">Denominator term. Default 1e-8; greater than 0.</param>
    /// <param name="weightDecay">Weight decay. Default 0; at least 0.</param>
    /// <param name="maxGradNorm">Global gradient-norm clip (optimizer-wide); 0 disables it. Default 0; at least 0.</param>
    /// <param name="noProx">Decoupled decay (<c>p *= 1 - lr·wd</c>) instead of the proximal <c>p /= 1 + lr·wd</c>. Default false.</param>
    public Adan(IEnumerable<ParamGroup> groups, double lr = 1e-3, double beta1 = 0.98, double beta2 = 0.92, double beta3 = 0.99,
                double eps = 1e-8, double weightDecay = 0, double maxGradNorm = 0, bool noProx = false)
        : base(groups, new Options
        {
            LearningRate = lr, Beta1 = beta1, Beta2 = beta2, Beta3 = beta3, Epsilon = eps, WeightDecay = weightDecay,
            MaxGradNorm = maxGradNorm, NoProx = noProx,
        })
    {
    }

    /// <summary>Zeroes every moment and step count, so the next step behaves like the first (the reference's <c>restart_opt</c>).</summary>
    public void Restart()
    {
        using var noGrad = torch.no_grad();
        foreach (var group in _parameter_groups)
            foreach (var p in group.Parameters)
            {
                var state = GetState(p);
                state.Step = 0;
                state.ExpAvg.zero_();
                state.ExpAvgDiff.zero_();
                state.ExpAvgSq.zero_();
            }
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null)
    {
        Tensor? loss = null;
        if (closure is not null)
        {
            using var enable = torch.enable_grad();
            loss = closure();
        }

        using (torch.no_grad())
        using (torch.NewDisposeScope())
        {
            var defaults = Defaults;
            using var sc = new StepScalars();
            Tensor? clip = null;
            if (defaults.MaxNorm > 0)
            {
                var grads = ParametersWithGrad().Select(x => x.Grad).ToList();
                if (grads.Count > 0)
                {
                    var norm = torch.stack(grads.Select(g => g.pow(sc[2]).sum())).sum().sqrt();
                    clip = (sc[defaults.MaxNorm] / norm.add(sc[defaults.Eps], alpha: sc.One)).clamp_max(sc[1.0]);
                }
            }

            foreach (var group in _parameter_groups.Cast<ParamGroup>())
                StepGroup(group, clip);
        }

        return loss!;
    }

    private void StepGroup(ParamGroup group, Tensor? clip)
    {
        var o = group.Options;
        double lr = o.LearningRate!.Value, beta1 = o.B1, beta2 = o.B2, beta3 = o.B3, eps = o.Eps, wd = o.Wd;
        using var sc = new StepScalars();
        foreach (var p in group.Parameters)
        {
            if (p.grad is not { } grad)
                continue;
            if (clip is not null)
                grad = grad * clip;
            var state = GetState(p);
            long t = ++state.Step;
            var previous = state.PreviousGrad;
            if (t == 1)
                previous.copy_(grad);
            double bc1 = 1 - Math.Pow(beta1, t), bc2 = 1 - Math.Pow(beta2, t), bc3Sqrt = Math.Sqrt(1 - Math.Pow(beta3, t));
            // previous becomes diff = g - g_prev, then the Nesterov-corrected gradient g + β2·diff; it is reset to g at the end.
            var diff = previous.neg_().add_(grad, alpha: sc.One);
            state.ExpAvg.mul_(sc[beta1]).add_(grad, alpha: sc[1 - beta1]);
            state.ExpAvgDiff.mul_(sc[beta2]).add_(diff, alpha: sc[1 - beta2]);
            var nesterov = diff.mul_(sc[beta2]).add_(grad, alpha: sc.One);
            state.ExpAvgSq.mul_(sc[beta3]).addcmul_(nesterov, nesterov, value: sc[1 - beta3]);
            var denom = state.ExpAvgSq.sqrt().div_(sc[bc3Sqrt]).add_(sc[eps], sc.One);
            var update = state.ExpAvg.div(sc[bc1]).add_(state.ExpAvgDiff, alpha: sc[beta2 / bc2]);
            if (o.NoProxDecay && wd != 0)
                p.mul_(sc[1 - lr * wd]);
            p.addcdiv_(update, denom, value: sc[-lr]);
            if (!o.NoProxDecay && wd != 0)
                p.div_(sc[1 + lr * wd]);
            previous.copy_(grad);
        }
    }

    /// <inheritdoc />
    protected override State CreateState(Parameter parameter) => new(parameter);

    /// <summary>Adan's hyperparameters for one group.</summary>
    public sealed class Options : OptimizerOptionsBase, IBetaOptions
    {
        /// <summary>Decay of the gradient average; in [0, 1).</summary>
        public double? Beta1 { get; set; }
        /// <summary>Decay of the gradient-difference average; in [0, 1).</summary>
        public double? Beta2 { get; set; }
        /// <summary>Decay of the second moment; in [0, 1).</summary>
        public double? Beta3 { get; set; }
        /// <summary>Denominator term; greater than 0.</summary>
        public double? Epsilon { get; set; }
        /// <summary>Weight decay; at least 0.</summary>
        public double? WeightDecay { get; set; }
        /// <summary>Global gradient-norm clip (only the optimizer-wide value is used); 0 disables it.</summary>
        public double? MaxGradNorm { get; set; }
        /// <summary>Decoupled instead of proximal weight decay.</summary>
        public bool? NoProx { get; set; }

        internal double B1 => Required(Beta1, nameof(Beta1));
        internal double B2 => Required(Beta2, nameof(Beta2));
        internal double B3 => Required(Beta3, nameof(Beta3));
        internal double Eps => Required(Epsilon, nameof(Epsilon));
        internal double Wd => Required(WeightDecay, nameof(WeightDecay));
        internal double MaxNorm => Required(MaxGradNorm, nameof(MaxGradNorm));
        internal bool NoProxDecay => Required(NoProx, nameof(NoProx));

        /// <inheritdoc />
        public override void Validate()
        {
            OptimizerChecks.Positive(Required(LearningRate, nameof(LearningRate)), nameof(LearningRate));
            OptimizerChecks.UnitInterval(B1, nameof(Beta1));
            OptimizerChecks.UnitInterval(B2, nameof(Beta2));
            OptimizerChecks.UnitInterval(B3, nameof(Beta3));
            OptimizerChecks.Positive(Eps, nameof(Epsilon));
            OptimizerChecks.NonNegative(Wd, nameof(WeightDecay));
            OptimizerChecks.NonNegative(MaxNorm, nameof(MaxGradNorm));
            _ = NoProxDecay;
        }
    }

    /// <summary>Adan's state for one parameter.</summary>
    public sealed class State(Parameter parameter) : OptimizerStateBase(parameter, 4)
    {
        /// <summary>Average of the gradient.</summary>
        public Tensor ExpAvg => RequireSlot(0);
        /// <summary>Average of the gradient difference.</summary>
        public Tensor ExpAvgDiff => RequireSlot(1);
        /// <summary>Average of the squared Nesterov-corrected gradient.</summary>
        public Tensor ExpAvgSq => RequireSlot(2);
        /// <summary>The previous (clipped) gradient.</summary>
        public Tensor PreviousGrad => RequireSlot(3);

        /// <inheritdoc />
        protected override void InitializeSlots(OptimizerOptions options)
        {
            for (int i = 0; i < 4; i++)
                SetSlot(i, ZerosLikeParameter());
        }
    }

    /// <summary>A group of parameters with its own Adan options.</summary>
    public sealed class ParamGroup : ParamGroup<Options>, torch.optim.IBetas
    {
        /// <summary>Creates an empty group.</summary>
        public ParamGroup() { }

        /// <summary>Creates a group; options left <see langword="null"/> inherit the optimizer's defaults.</summary>
        /// <param name="parameters">The group's parameters.</param>
        /// <param name="options">The group's options, or <see langword="null"/> for the defaults.</param>
        public ParamGroup(IEnumerable<Parameter> parameters, Options? options = null) : base(parameters, options!) { }

        /// <summary>This group's (β1, β2), which TorchSharp's <c>OneCycleLR</c> cycles (β1) with <c>cycle_momentum</c>; validated like the options (Adan's β3 is kept).</summary>
        public (double, double) Betas { get => ExternalMomentum.Betas(Options); set => ExternalMomentum.SetBetas(Options, value); }
    }

    /// <summary>The default (β1, β2), inherited by groups added later (TorchSharp's <c>IBetas</c>, as its Adam).</summary>
    public (double, double) Betas { get => ExternalMomentum.Betas(Defaults); set => ExternalMomentum.SetBetas(Defaults, value); }
}
