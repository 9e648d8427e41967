using MLExtensions.Optimizers;
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
            _ => throw new AssertFailedException($"No optimizer for golden id '{g.Optimizer}'."),
        };
        // Every spec must survive a JSON round trip unchanged before it is used.
        var roundTripped = OptimizerRegistry.FromJson(OptimizerRegistry.ToJson(spec));
        Assert.AreEqual(spec, roundTripped);
        return roundTripped.Create(ps);
    }
}
