using Microsoft.ML;

namespace MLExtensions;

/// <summary>Default combiners per task.</summary>
internal static class StackingDefaults
{
    public static StackingCombiner Combiner(StackingTask task) => task == StackingTask.Regression
        ? new RegularizedMetaLearningCombiner()
        : new RegularizedLogisticMetaLearningCombiner();
}
