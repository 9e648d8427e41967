using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// Measures clean and attacked accuracy of an attackable classifier (<see cref="IAttackableTransformer"/>, alone or as the last
/// transformer of a chain) over an <see cref="IDataView"/>, in batches, with a seeded generator of its own.
/// </summary>
internal static class RobustnessEvaluator
{
    public static RobustnessMetrics Evaluate(IDataView data, ITransformer model, IReadOnlyList<AdversarialAttack> attacks, string labelColumnName,
                                             bool binary, int seed, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(attacks);
        ArgumentNullException.ThrowIfNull(labelColumnName);
        if (attacks.Count == 0) throw new ArgumentException("Give at least one attack.", nameof(attacks));
        if (attacks.Any(a => a is null)) throw new ArgumentException("An attack is null.", nameof(attacks));
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1, nameof(batchSize));

        var (classifierSource, input) = Resolve(model, data);
        using var classifier = classifierSource.CreateDifferentiableClassifier();
        var (features, labels, rows) = Read(input, classifierSource.FeatureColumnName, labelColumnName, binary, classifier);

        using var generator = new Generator((ulong)seed);
        long clean = 0, worst = 0;
        var attacked = new long[attacks.Count];
        for (int start = 0; start < rows; start += batchSize)
        {
            int count = Math.Min(batchSize, rows - start);
            using var scope = NewDisposeScope();
            var x = torch.tensor(features.AsSpan(start * classifier.FeatureCount, count * classifier.FeatureCount).ToArray(), [count, classifier.FeatureCount]);
            var y = torch.tensor(labels.AsSpan(start, count).ToArray());
            var robust = Correct(classifier, x, y);
            clean += robust.sum().item<long>();
            for (int a = 0; a < attacks.Count; a++)
            {
                var adversarial = attacks[a].Perturb(classifier, x, y, attacks[a].IsRandomized ? generator : null);
                var correct = Correct(classifier, adversarial, y);
                attacked[a] += correct.sum().item<long>();
                robust = robust.logical_and(correct);
            }
            worst += robust.sum().item<long>();
        }

        double Share(long n) => rows == 0 ? double.NaN : (double)n / rows;
        return new RobustnessMetrics(rows, Share(clean), attacks.Select((a, i) => new AttackedAccuracy(a.Name, Share(attacked[i]))).ToArray(), Share(worst));
    }

    private static Tensor Correct(IDifferentiableClassifier classifier, Tensor x, Tensor y)
    {
        using var noGrad = no_grad();
        using var logp = classifier.LogProbabilities(x);
        return logp.argmax(1).eq(y).to(ScalarType.Int64);
    }

    /// <summary>The attackable transformer and the data it reads: a chain's earlier transformers are applied first.</summary>
    private static (IAttackableTransformer Model, IDataView Input) Resolve(ITransformer model, IDataView data)
    {
        if (model is IAttackableTransformer direct) return (direct, data);
        if (model is IEnumerable<ITransformer> chain)
        {
            var parts = chain.ToList();
            if (parts.Count > 0 && parts[^1] is IAttackableTransformer last)
            {
                var input = data;
                foreach (var part in parts.Take(parts.Count - 1)) input = part.Transform(input);
                return (last, input);
            }
        }
        throw new ArgumentException(
            $"The model ({model.GetType().Name}) gives no gradients to attack: it must be an IAttackableTransformer (the neural-network or " +
            "adaptive-smoothing classifiers), or a chain ending in one.", nameof(model));
    }

    /// <summary>The rows' features (row-major) and 0-based classes.</summary>
    private static (float[] Features, long[] Labels, int Rows) Read(IDataView data, string featureColumnName, string labelColumnName, bool binary,
                                                                   IDifferentiableClassifier classifier)
    {
        var featureColumn = data.Schema.GetColumnOrNull(featureColumnName)
            ?? throw new ArgumentException($"The feature column '{featureColumnName}' was not found in the data.", nameof(data));
        if (featureColumn.Type is not VectorDataViewType { ItemType: var item, Size: var size } || item != NumberDataViewType.Single || size != classifier.FeatureCount)
            throw new ArgumentException(
                $"Schema mismatch for feature column '{featureColumnName}': expected a vector of {classifier.FeatureCount} Single, got {featureColumn.Type}.", nameof(data));
        var labelColumn = data.Schema.GetColumnOrNull(labelColumnName)
            ?? throw new ArgumentException($"The label column '{labelColumnName}' was not found in the data.", nameof(labelColumnName));
        if (binary ? labelColumn.Type != BooleanDataViewType.Instance : labelColumn.Type is not KeyDataViewType)
            throw new ArgumentException(
                $"Schema mismatch for label column '{labelColumnName}': expected {(binary ? "Boolean" : "a key")}, got {labelColumn.Type}.", nameof(labelColumnName));
        if (binary && classifier.ClassCount != 2)
            throw new ArgumentException($"The model has {classifier.ClassCount} classes; a binary evaluation needs 2.", nameof(labelColumnName));
        if (!binary && ((KeyDataViewType)labelColumn.Type).Count != (ulong)classifier.ClassCount)
            throw new ArgumentException(
                $"The label column '{labelColumnName}' has {((KeyDataViewType)labelColumn.Type).Count} classes but the model has {classifier.ClassCount}.", nameof(labelColumnName));

        var features = new List<float>();
        var labels = new List<long>();
        int d = classifier.FeatureCount;
        using var cursor = data.GetRowCursor([featureColumn, labelColumn]);
        var getFeatures = cursor.GetGetter<VBuffer<float>>(featureColumn);
        var buffer = default(VBuffer<float>);
        var dense = new float[d];
        ValueGetter<bool>? getBool = binary ? cursor.GetGetter<bool>(labelColumn) : null;
        ValueGetter<uint>? getKey = binary ? null : cursor.GetGetter<uint>(labelColumn);
        int row = 0;
        while (cursor.MoveNext())
        {
            getFeatures(ref buffer);
            buffer.CopyTo(dense);
            if (dense.Any(v => !float.IsFinite(v)))
                throw new ArgumentException($"Row {row} of feature column '{featureColumnName}' holds NaN or ±∞; attacks need finite features.", nameof(data));
            long label;
            if (getBool is not null)
            {
                bool b = false;
                getBool(ref b);
                label = b ? 1 : 0;
            }
            else
            {
                uint key = 0;
                getKey!(ref key);
                if (key == 0) throw new ArgumentException($"Row {row} of label column '{labelColumnName}' is the missing key.", nameof(labelColumnName));
                label = key - 1;
            }
            features.AddRange(dense);
            labels.Add(label);
            row++;
        }
        return (features.ToArray(), labels.ToArray(), row);
    }
}
