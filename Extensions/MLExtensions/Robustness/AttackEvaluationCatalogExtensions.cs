using Microsoft.ML;

namespace MLExtensions;

/// <summary>
/// Attacked-accuracy evaluation of our classifiers: <c>mlContext.MulticlassClassification.EvaluateUnderAttack(...)</c> and
/// <c>mlContext.BinaryClassification.EvaluateUnderAttack(...)</c>, beside ML.NET's own <c>Evaluate</c>.
/// </summary>
public static class AttackEvaluationCatalogExtensions
{
    /// <summary>Default batch size of the evaluation.</summary>
    public const int DefaultBatchSize = 256;

    /// <summary>Clean accuracy and the accuracy under each attack (and under all of them, per row) of a multiclass classifier.</summary>
    /// <param name="catalog">The multiclass catalog.</param>
    /// <param name="data">Rows with the model's feature column (after any earlier transformers of a chain) and a key label.</param>
    /// <param name="model">An <see cref="IAttackableTransformer"/> (neural-network or adaptive-smoothing classifier), or a chain ending in
    /// one; the attacks perturb that transformer's feature column, in its units.</param>
    /// <param name="attacks">The attacks, such as <see cref="PgdAttack"/>, <see cref="ApgdAttack"/>, <see cref="FgsmAttack"/>.</param>
    /// <param name="labelColumnName">The key label column.</param>
    /// <param name="seed">Seed of the evaluation's own generator (random starts).</param>
    /// <param name="batchSize">Rows attacked at once.</param>
    /// <exception cref="ArgumentException">The model gives no gradients, a column is missing or mistyped, the label's class count differs
    /// from the model's, a feature is not finite, or there is no attack.</exception>
    public static RobustnessMetrics EvaluateUnderAttack(this MulticlassClassificationCatalog catalog, IDataView data, ITransformer model,
                                                        IEnumerable<AdversarialAttack> attacks, string labelColumnName = ColumnNames.Label,
                                                        int seed = 0, int batchSize = DefaultBatchSize)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return RobustnessEvaluator.Evaluate(data, model, attacks?.ToList()!, labelColumnName, binary: false, seed, batchSize);
    }

    /// <summary>Clean accuracy and the accuracy under each attack (and under all of them, per row) of a binary classifier.</summary>
    /// <param name="catalog">The binary catalog.</param>
    /// <param name="data">Rows with the model's feature column (after any earlier transformers of a chain) and a Boolean label.</param>
    /// <param name="model">An <see cref="IAttackableTransformer"/> or a chain ending in one.</param>
    /// <param name="attacks">The attacks.</param>
    /// <param name="labelColumnName">The Boolean label column.</param>
    /// <param name="seed">Seed of the evaluation's own generator (random starts).</param>
    /// <param name="batchSize">Rows attacked at once.</param>
    /// <exception cref="ArgumentException">As the multiclass overload; also when the model does not have 2 classes.</exception>
    public static RobustnessMetrics EvaluateUnderAttack(this BinaryClassificationCatalog catalog, IDataView data, ITransformer model,
                                                        IEnumerable<AdversarialAttack> attacks, string labelColumnName = ColumnNames.Label,
                                                        int seed = 0, int batchSize = DefaultBatchSize)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return RobustnessEvaluator.Evaluate(data, model, attacks?.ToList()!, labelColumnName, binary: true, seed, batchSize);
    }
}
