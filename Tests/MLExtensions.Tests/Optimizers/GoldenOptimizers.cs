using TorchSharp;
using TorchSharp.Modules;

namespace MLExtensions.Tests.Optimizers;

/// <summary>Builds the optimizer a golden file describes, from its recorded hyperparameters, through the public specs.</summary>
internal static class GoldenOptimizers
{
    public static torch.optim.Optimizer Create(GoldenFile g, IReadOnlyList<Parameter> ps)
    {
        OptimizerSpec spec = g.Optimizer switch
        {
            "sgd" => new SgdSpec(g.Hp("lr"), g.Hp("momentum"), g.HpBool("nesterov"), g.Hp("weight_decay"), g.Hp("dampening")),
            "adam" => new AdamSpec(g.Hp("lr"), g.Beta(0), g.Beta(1), g.Hp("eps"), g.Hp("weight_decay"), g.HpBool("amsgrad")),
            "adamw" => new AdamWSpec(g.Hp("lr"), g.Beta(0), g.Beta(1), g.Hp("eps"), g.Hp("weight_decay"), g.HpBool("amsgrad")),
            "lion" => new LionSpec(g.Hp("lr"), g.Beta(0), g.Beta(1), g.Hp("weight_decay")),
            "adabelief" => new AdaBeliefSpec(g.Hp("lr"), g.Beta(0), g.Beta(1), g.Hp("eps"), g.Hp("weight_decay"), g.HpBool("weight_decouple"),
                                             g.HpBool("fixed_decay"), g.HpBool("rectify"), g.HpBool("degenerated_to_sgd"), g.HpBool("amsgrad")),
            "diffgrad" => new DiffGradSpec(g.Hp("lr"), g.Beta(0), g.Beta(1), g.Hp("eps"), g.Hp("weight_decay")),
            "adan" => new AdanSpec(g.Hp("lr"), g.Beta(0), g.Beta(1), g.Beta(2), g.Hp("eps"), g.Hp("weight_decay"), g.Hp("max_grad_norm"), g.HpBool("no_prox")),
            "adamp" => new AdamPSpec(g.Hp("lr"), g.Beta(0), g.Beta(1), g.Hp("eps"), g.Hp("weight_decay"), g.Hp("delta"), g.Hp("wd_ratio"), g.HpBool("nesterov")),
            "sgdp" => new SgdPSpec(g.Hp("lr"), g.Hp("momentum"), g.Hp("dampening"), g.Hp("weight_decay"), g.HpBool("nesterov"), g.Hp("eps"), g.Hp("delta"), g.Hp("wd_ratio")),
            "lamb" => new LambSpec(g.Hp("lr"), g.Beta(0), g.Beta(1), g.Hp("eps"), g.Hp("weight_decay"), g.HpBool("adam")),
            "lars" => new LarsSpec(g.Hp("lr"), g.Hp("momentum"), g.Hp("dampening"), g.Hp("weight_decay"), g.Hp("trust_coefficient"), g.HpBool("nesterov")),
            "sgd_sai" => new SgdSaiSpec(g.Hp("lr"), g.Hp("momentum"), g.Hp("eps"), g.Hp("weight_decay")),
            "muon" => new MuonSpec(g.Hp("lr"), g.Hp("momentum"), g.Hp("weight_decay"),
                                   Precision: g.NewtonSchulzDtype == "bfloat16" ? NewtonSchulzPrecision.BFloat16 : NewtonSchulzPrecision.ParameterDtype),
            "adagrad" => new AdaGradSpec(g.Hp("lr"), g.Hp("lr_decay"), g.Hp("weight_decay"), g.Hp("initial_accumulator_value"), g.Hp("eps")),
            "muon_with_aux_adam" => null!,
            _ => throw new AssertFailedException($"No optimizer for golden id '{g.Optimizer}'."),
        };
        if (spec is null)
            return MuonWithAuxAdam(g, ps);
        // Every spec must survive a JSON round trip unchanged before it is used.
        var roundTripped = OptimizerRegistry.FromJson(OptimizerRegistry.ToJson(spec));
        Assert.AreEqual(spec, roundTripped);
        return roundTripped.Create(ps);
    }

    private static Muon MuonWithAuxAdam(GoldenFile g, IReadOnlyList<Parameter> ps)
    {
        var groups = new List<Muon.ParamGroup>();
        foreach (var group in g.Hyperparameters.GetProperty("param_groups").EnumerateArray())
        {
            var members = group.GetProperty("params").EnumerateArray().Select(i => ps[i.GetInt32()]).ToList();
            bool useMuon = group.GetProperty("use_muon").GetBoolean();
            var options = new Muon.Options
            {
                UseMuon = useMuon,
                LearningRate = group.GetProperty("lr").GetDouble(),
                WeightDecay = group.GetProperty("weight_decay").GetDouble(),
            };
            if (useMuon)
                options.Momentum = group.GetProperty("momentum").GetDouble();
            else
            {
                options.Beta1 = group.GetProperty("betas")[0].GetDouble();
                options.Beta2 = group.GetProperty("betas")[1].GetDouble();
                options.Epsilon = group.GetProperty("eps").GetDouble();
            }
            groups.Add(new Muon.ParamGroup(members, options));
        }
        return new Muon(groups);
    }
}
