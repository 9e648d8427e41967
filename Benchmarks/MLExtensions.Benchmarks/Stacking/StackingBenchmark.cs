using static MLExtensions.Benchmarks.BenchmarkSupport;
using System.Diagnostics;
using System.Globalization;

namespace MLExtensions.Benchmarks.Stacking;

/// <summary>
/// Quality and fit time of the stacking combiners on the stacking-oof data (56 base models' out-of-fold predictions on diamonds,
/// target ln(price)): fit on oof_train.csv, score on test.csv. Usage: <c>stacking [--data DIR] [--repeat N]</c>.
/// </summary>
public static class StackingBenchmark
{
    public static int Run(string[] args)
    {
        string data = Option(args, "--data") ?? SharedData("stacking-oof");
        int repeat = int.Parse(Option(args, "--repeat") ?? "3", CultureInfo.InvariantCulture);
        if (!File.Exists(Path.Combine(data, "oof_train.csv")))
        {
            Console.Error.WriteLine($"stacking: no oof_train.csv under '{Path.GetFullPath(data)}'; pass --data <dir of stacking-oof>.");
            return 2;
        }

        var (train, yTrain, folds) = Load(Path.Combine(data, "oof_train.csv"));
        var (test, yTest, _) = Load(Path.Combine(data, "test.csv"));
        Console.WriteLine($"stacking-oof: train {train.Rows} x {train.Count}, test {test.Rows} x {test.Count}; {Environment.ProcessorCount} cores, {RuntimeInfo()}");

        var rows = new List<string[]>();

        // UserFolds: the combiner gets the data's `fold` column (the folds the OOF predictions were made with) for all its CVs.
        var cases = new List<(string Name, Func<StackingCombiner> Create, bool UserFolds)>
        {
            ("Best single model (by OOF RMSE)", () => new BestSingleModelCombiner(), false),
            ("Simple average", () => new SimpleAverageCombiner(), false),
            ("Inverse-RMSE weighted average", () => new InverseRmseAverageCombiner(), false),
            ("Ridge stacking (RidgeCV, 5 folds)", () => new RidgeStackingCombiner(), false),
            ("Greedy ensemble selection (100 it.)", () => new GreedyEnsembleSelectionCombiner(), false),
            ("Regularized meta-learning (full)", () => new RegularizedMetaLearningCombiner(), false),
            ("  ablation: no de-duplication", () => new RegularizedMetaLearningCombiner(new() { UseRedundancyProjection = false }), false),
            ("  ablation: no meta-features", () => new RegularizedMetaLearningCombiner(new() { UseMetaFeatures = false }), false),
            ("  ablation: neither de-duplication nor meta-features", () => new RegularizedMetaLearningCombiner(new() { UseMetaFeatures = false, UseRedundancyProjection = false }), false),
            ("  ablation: de-dup on raw predictions", () => new RegularizedMetaLearningCombiner(new() { Redundancy = new() { Basis = CorrelationBasis.Predictions } }), false),
            ("  ablation: Ridge meta-model only", () => new RegularizedMetaLearningCombiner(new() { MetaModels = MetaModelKinds.Ridge }), false),
            ("  ablation: Lasso meta-model only", () => new RegularizedMetaLearningCombiner(new() { MetaModels = MetaModelKinds.Lasso }), false),
            ("  ablation: ElasticNet meta-model only", () => new RegularizedMetaLearningCombiner(new() { MetaModels = MetaModelKinds.ElasticNet }), false),
            ("Select best combiner (nested 5-fold CV)", () => new SelectBestCombiner(), false),
            ("Ridge stacking, the data's 5 folds", () => new RidgeStackingCombiner(), true),
            ("Regularized meta-learning, the data's 5 folds", () => new RegularizedMetaLearningCombiner(), true),
            ("Select best combiner, the data's 5 folds", () => new SelectBestCombiner(), true),
        };

        if (args.Contains("--with-cd"))
        {
            // scikit-learn's coordinate descent (tol 1e-4, max_iter 1e4) instead of the exact active-set solver: slow on these
            // strongly correlated meta-features, so only on request.
            cases.Add(("  solver: Lasso only, scikit-learn coordinate descent", () => new RegularizedMetaLearningCombiner(
                new() { MetaModels = MetaModelKinds.Lasso, Solver = MLExtensions.ElasticNetSolver.CoordinateDescent }), false));
        }

        string? only = Option(args, "--only");
        if (only is not null)
        {
            cases = cases.Where(c => c.Name.Contains(only, StringComparison.OrdinalIgnoreCase)).ToList();
        }

        // Warm-up (JIT) on a slice so the timings below are steady-state.
        var slice = new PredictionMatrix(train.Names, train.Columns.Select(c => c[..3000]).ToArray());
        foreach (var (_, create, userFolds) in cases)
        {
            create().Fit(slice, yTrain[..3000], userFolds ? folds[..3000] : null);
        }

        var selections = new List<(string Name, CombinerSelectionReport Report, bool UserFolds)>();
        foreach (var (name, create, userFolds) in cases)
        {
            StackingModel? model = null;
            var times = new List<double>();
            for (int r = 0; r < repeat; r++)
            {
                var watch = Stopwatch.StartNew();
                model = create().Fit(train, yTrain, userFolds ? folds : null);
                times.Add(watch.Elapsed.TotalSeconds);
            }

            double testRmse = Rmse(model!.Predict(test), yTest);
            string oof = model.Diagnostics?.OutOfFoldError is { } e ? F(e) + "*" : "-";
            string detail = Detail(model);
            rows.Add([name, F(testRmse), oof, times.Min().ToString("0.000", CultureInfo.InvariantCulture) + " s", detail]);
            Console.WriteLine("  done: " + string.Join(" | ", rows[^1]));
            if (model.Diagnostics?.Selection is { } selection)
            {
                selections.Add((name, selection, userFolds));
            }
        }

        if (only is null)
        {
            // The linear ceiling: unregularized least squares on every column. No linear meta-model over these columns (or a subset
            // of them, with or without the meta-features' linear terms) fits the training rows better.
            var trainRows = Enumerable.Range(0, train.Rows).Select(i => train.Columns.Select(c => c[i]).ToArray()).ToArray();
            var ols = MLExtensions.RegularizedLinearRegression.Ridge(trainRows, yTrain, alpha: 0);
            var olsTest = Enumerable.Range(0, test.Rows).Select(i => ols.Predict(test.Columns.Select(c => c[i]).ToArray())).ToArray();
            rows.Add(["Reference: least squares on all columns (no regularization)", F(Rmse(olsTest, yTest)), "-", "-", "-"]);
            Console.WriteLine("  done: " + string.Join(" | ", rows[^1]));
            var (nnlsWeights, nnlsIntercept) = NonNegativeLeastSquares(train, yTrain);
            var nnlsTest = Enumerable.Range(0, test.Rows).Select(i => nnlsIntercept + test.Columns.Select((c, k) => nnlsWeights[k] * c[i]).Sum()).ToArray();
            rows.Add(["Reference: non-negative least squares on all columns", F(Rmse(nnlsTest, yTest)), "-", "-", $"{nnlsWeights.Count(w => w > 0)} models with weight > 0"]);
            Console.WriteLine("  done: " + string.Join(" | ", rows[^1]));
        }

        Console.WriteLine();
        Console.WriteLine("| method | test RMSE | OOF RMSE | fit time (best of " + repeat + ") | details |");
        Console.WriteLine("| --- | --- | --- | --- | --- |");
        foreach (var row in rows)
        {
            Console.WriteLine("| " + string.Join(" | ", row) + " |");
        }

        Console.WriteLine();
        Console.WriteLine("* OOF RMSE of the blend from the outer 10-fold CV of the meta-models (optimistic: de-duplication and blend weights saw all rows);");
        Console.WriteLine("  for the best single model its OOF RMSE; for the selection the chosen candidate's nested out-of-fold RMSE.");
        foreach (var (name, report, userFolds) in selections)
        {
            // Each candidate refitted on all training rows (as the selector refits the chosen one) and scored on the test rows,
            // beside the nested CV error the selector chose by.
            var candidates = new StackingCombiner[] { new RegularizedMetaLearningCombiner(), new RidgeStackingCombiner(), new GreedyEnsembleSelectionCombiner(), new BestSingleModelCombiner() };
            Console.WriteLine();
            Console.WriteLine($"{name}: chose {report.ChosenName}");
            Console.WriteLine("| candidate | nested CV RMSE | test RMSE (refitted on all rows) |");
            Console.WriteLine("| --- | --- | --- |");
            for (int c = 0; c < candidates.Length; c++)
            {
                double candidateTest = Rmse(candidates[c].Fit(train, yTrain, userFolds ? folds : null).Predict(test), yTest);
                string mark = c == report.Chosen ? " (chosen)" : "";
                Console.WriteLine($"| {report.Candidates[c]}{mark} | {F(report.CrossValidationErrors[c])} | {F(candidateTest)} |");
            }
        }

        foreach (var basis in new[] { CorrelationBasis.Residuals, CorrelationBasis.Predictions })
        {
            var report = new RedundancyProjector(new() { Basis = basis }).Fit(train, yTrain);
            Console.WriteLine($"Redundancy projection on {basis}: kept {report.Kept.Count}/{train.Count}, duplicates {report.Duplicates.Count}, " +
                $"near-constant {report.NearConstant.Count}; cond(corr) {report.ConditionNumberBefore:0.###e+0} -> {report.ConditionNumberAfter:0.###e+0}");
        }

        return 0;
    }

    private static string Detail(StackingModel model)
    {
        var parts = new List<string>();
        if (model.Diagnostics?.Redundancy is { } r)
        {
            parts.Add($"kept {r.Kept.Count}/{r.Names.Count}");
        }

        if (model.Components.Count > 1 || model.Components[0].Alpha is not null)
        {
            parts.Add(string.Join(", ", model.Components.Select(c =>
                $"{c.Name} w={c.BlendWeight:0.000}" + (c.Alpha is { } a ? $" a={a:0.##e+0}" : "") + (c.L1Ratio is { } l && c.Name == "ElasticNet" ? $" l1={l}" : ""))));
        }
        else if (model.Components[0].Name == "ensemble selection")
        {
            parts.Add($"{model.Components[0].Model.Coefficients.Count(w => w > 0)} distinct models");
        }
        else if (model.SelectedInputs.Count == 1)
        {
            parts.Add(model.InputNames[model.SelectedInputs[0]]);
        }

        if (model.Diagnostics?.Selection is { } selection)
        {
            parts.Insert(0, "chose " + selection.ChosenName);
        }

        return string.Join("; ", parts);
    }

    private static (PredictionMatrix Matrix, double[] Label, int[] Folds) Load(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        int labelIndex = Array.IndexOf(header, "log_price");
        int foldIndex = Array.IndexOf(header, "fold");
        var folds = new int[lines.Length - 1];
        var modelIndices = Enumerable.Range(0, header.Length).Where(i => header[i] is not ("fold" or "price" or "log_price")).ToArray();
        var columns = modelIndices.Select(_ => new double[lines.Length - 1]).ToArray();
        var label = new double[lines.Length - 1];
        for (int r = 1; r < lines.Length; r++)
        {
            var parts = lines[r].Split(',');
            label[r - 1] = double.Parse(parts[labelIndex], CultureInfo.InvariantCulture);
            folds[r - 1] = int.Parse(parts[foldIndex], CultureInfo.InvariantCulture);
            for (int j = 0; j < modelIndices.Length; j++)
            {
                columns[j][r - 1] = double.Parse(parts[modelIndices[j]], CultureInfo.InvariantCulture);
            }
        }

        return (new PredictionMatrix(modelIndices.Select(i => header[i]).ToArray(), columns), label, folds);
    }

    private static double Rmse(IReadOnlyList<double> p, IReadOnlyList<double> y)
    {
        double se = 0;
        for (int i = 0; i < y.Count; i++)
        {
            se += (p[i] - y[i]) * (p[i] - y[i]);
        }

        return Math.Sqrt(se / y.Count);
    }

    private static string F(double v) => v.ToString("0.00000", CultureInfo.InvariantCulture);



    private static string RuntimeInfo() => System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription;

    /// <summary>
    /// Least squares with non-negative weights and a free intercept (Breiman's stacked regression), by projected cyclic coordinate
    /// descent on the centered Gram matrix until no weight moves by more than 1e-10.
    /// </summary>
    private static (double[] Weights, double Intercept) NonNegativeLeastSquares(PredictionMatrix x, double[] y)
    {
        int k = x.Count, n = x.Rows;
        var mean = x.Columns.Select(c => c.Average()).ToArray();
        double yMean = y.Average();
        var gram = new double[k, k];
        var q = new double[k];
        for (int a = 0; a < k; a++)
        {
            for (int i = 0; i < n; i++)
            {
                q[a] += (x.Columns[a][i] - mean[a]) * (y[i] - yMean);
            }

            for (int b = a; b < k; b++)
            {
                double sum = 0;
                for (int i = 0; i < n; i++)
                {
                    sum += (x.Columns[a][i] - mean[a]) * (x.Columns[b][i] - mean[b]);
                }

                gram[a, b] = gram[b, a] = sum;
            }
        }

        var w = new double[k];
        for (int sweep = 0; sweep < 100_000; sweep++)
        {
            double largestChange = 0;
            for (int a = 0; a < k; a++)
            {
                double residual = q[a];
                for (int b = 0; b < k; b++)
                {
                    residual -= b == a ? 0 : gram[a, b] * w[b];
                }

                double updated = Math.Max(0, residual / gram[a, a]);
                largestChange = Math.Max(largestChange, Math.Abs(updated - w[a]));
                w[a] = updated;
            }

            if (largestChange < 1e-10)
            {
                break;
            }
        }

        return (w, yMean - w.Select((v, a) => v * mean[a]).Sum());
    }
}
