
namespace MLExtensions;

/// <summary>
/// A meta-level design matrix split into outer folds (for out-of-fold meta-predictions) and inner folds (for the alpha search),
/// summarized once as per-(outer, inner) cross-product blocks. Every training set of the nested cross-validation is then a sum of
/// blocks, so the data is read once however many folds, alphas and models are tried. Standardization is fitted on each training
/// set (the outer training folds, or all rows for the final model) and applied to its inner folds, like a StandardScaler fitted
/// before an inner CV estimator.
/// </summary>
internal sealed class MetaDesign
{
    private readonly CrossProducts[] _blocks;
    private readonly double[] _shift;
    private readonly double _shiftY;

    public MetaDesign(IReadOnlyList<double[]> columns, double[] y, int[] innerFolds, int innerCount, int[] outerFolds, int outerCount)
    {
        Columns = columns;
        Y = y;
        OuterFolds = outerFolds;
        InnerCount = innerCount;
        OuterCount = outerCount;
        _shift = columns.Select(c => c.Average()).ToArray();
        _shiftY = y.Average();
        var group = new int[y.Length];
        for (int r = 0; r < y.Length; r++)
        {
            group[r] = outerFolds[r] * innerCount + innerFolds[r];
        }

        _blocks = CrossProducts.FromColumns(columns, y, _shift, _shiftY, group, outerCount * innerCount);
    }

    /// <summary>Pass as the excluded outer fold to train on all rows.</summary>
    public int AllRows => -1;

    public IReadOnlyList<double[]> Columns { get; }

    public double[] Y { get; }

    public int[] OuterFolds { get; }

    public int InnerCount { get; }

    public int OuterCount { get; }

    private (CrossProducts Train, CrossProducts[] Inner, double[] Scale) Training(int excludedOuter)
    {
        var train = CrossProducts.Sum(_blocks, g => g / InnerCount != excludedOuter);
        var inner = new CrossProducts[InnerCount];
        for (int i = 0; i < InnerCount; i++)
        {
            int fold = i;
            inner[i] = CrossProducts.Sum(_blocks, g => g / InnerCount != excludedOuter && g % InnerCount == fold);
        }

        // A fold assignment given by the user serves as both outer and inner folds: the excluded outer fold's inner block is then
        // empty, and the inner CV runs over the remaining folds.
        return (train, inner.Where(c => c.Count > 0).ToArray(), train.StandardDeviations());
    }

    public (LinearModel Model, double Alpha) FitRidgeCv(int excludedOuter, IReadOnlyList<double> alphas)
    {
        var (train, inner, scale) = Training(excludedOuter);
        var scores = LinearProblems.RidgePath(inner, true, scale, alphas, rSquared: false);
        double alpha = alphas[LinearProblems.ArgMin(scores)];
        var (w, b) = LinearProblems.Ridge(train, true, scale, alpha);
        return (LinearProblems.ToModel(w, b, _shift, _shiftY), alpha);
    }

    public (LinearModel Model, double Alpha, double L1Ratio) FitElasticNetCv(
        int excludedOuter, IReadOnlyList<double> alphas, IReadOnlyList<double> l1Ratios, int maxIterations, double tolerance,
        ElasticNetSolver solver)
    {
        var (train, inner, scale) = Training(excludedOuter);
        var search = ElasticNetSearch.Run(inner, true, alphas, l1Ratios, maxIterations, tolerance, scale, solver);
        var (w, b) = LinearProblems.ElasticNet(train, true, scale, search.Alpha, search.L1Ratio, maxIterations, tolerance, solver);
        return (LinearProblems.ToModel(w, b, _shift, _shiftY), search.Alpha, search.L1Ratio);
    }

    /// <summary>Writes the model's predictions for the rows of one outer fold into <paramref name="destination"/>.</summary>
    public void PredictFold(int outerFold, LinearModel model, double[] destination)
    {
        int p = Columns.Count;
        for (int r = 0; r < Y.Length; r++)
        {
            if (OuterFolds[r] != outerFold)
            {
                continue;
            }

            double v = model.Intercept;
            for (int j = 0; j < p; j++)
            {
                v += model.Coefficients[j] * Columns[j][r];
            }

            destination[r] = v;
        }
    }
}
