using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions.Tests.Optimizers;

/// <summary>ARO checks from ALGORITHMS.md D11: orthogonal rotation, QR sign-convention invariance, hand-computed steps.</summary>
[TestClass]
public sealed class AroTests
{
    [TestMethod, DataRow(3L, 5L), DataRow(5L, 3L), DataRow(4L, 4L)]
    public void Step_AfterSeveralSteps_RotationIsOrthogonal(long rows, long cols)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(1);
        var p = new Parameter(randn([rows, cols], dtype: float64, generator: generator));
        using var optimizer = new Aro([p]);
        for (int t = 0; t < 5; t++)
        {
            p.grad = randn([rows, cols], dtype: float64, generator: generator);
            optimizer.step();
        }
        var r = optimizer.GetState(p).Rotation!;
        Assert.AreEqual(Math.Min(rows, cols), r.shape[0]);
        double error = (r.t().mm(r) - eye(r.shape[0], dtype: float64)).abs().max().item<double>();
        Assert.IsTrue(error < 1e-12, $"|R^T R - I| = {error}");
    }

    [TestMethod, DataRow(AroRotationFunction.Sinkhorn), DataRow(AroRotationFunction.RowNorm), DataRow(AroRotationFunction.Sign)]
    public void Direction_RotationColumnsSignFlipped_GivesTheSameUpdate(AroRotationFunction f)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(3);
        var m = randn([3, 6], dtype: float64, generator: generator);
        var (q, _) = linalg.qr(randn([3, 3], dtype: float64, generator: generator));
        var flips = diag(tensor(new[] { -1.0, 1.0, -1.0 }));
        var r1 = q.clone();
        var r2 = q.mm(flips);
        var d1 = Aro.Direction(m, r1, f, 5, 1e-8);
        var d2 = Aro.Direction(m, r2, f, 5, 1e-8);
        double diff = (d1 - d2).abs().max().item<double>();
        Assert.IsTrue(diff < 1e-12, $"{f}: update changed by {diff} under a sign flip");
        Assert.IsTrue(d1.abs().max().item<double>() > 0.1);
    }

    [TestMethod, DataRow(2, 3), DataRow(3, 2)]
    public void Step_TwoSteps_MatchesHandComputedSinkhornAro(int rows, int cols)
    {
        using var scope = NewDisposeScope();
        double lr = 0.05, mu = 0.9, wd = 0.1, eps = 1e-8;
        var w0 = new double[,] { { 0.5, -1.0, 0.25 }, { 1.5, 0.75, -0.5 }, { -0.3, 0.2, 0.9 } };
        var g = new[]
        {
            new double[,] { { 0.2, -0.4, 1.0 }, { 0.6, 0.1, -0.3 }, { -0.5, 0.8, 0.05 } },
            new double[,] { { -0.1, 0.3, 0.7 }, { 0.2, -0.9, 0.4 }, { 0.3, 0.1, -0.6 } },
        };
        double[,] Take(double[,] a) { var r = new double[rows, cols]; for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) r[i, j] = a[i, j]; return r; }
        Tensor ToTensor(double[,] a) => tensor(a.Cast<double>().ToArray(), [rows, cols], dtype: float64);

        var p = new Parameter(ToTensor(Take(w0)));
        using var optimizer = new Aro([p], lr: lr, momentum: mu, weightDecay: wd, eps: eps);

        // Hand computation in plain doubles; work on the smaller side (transpose tall matrices).
        bool tall = rows > cols;
        int k = Math.Min(rows, cols), n = Math.Max(rows, cols);
        var w = Take(w0);
        var momentum = new double[rows, cols];
        var rotation = Identity(k);
        for (int t = 0; t < 2; t++)
        {
            var gt = Take(g[t]);
            for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) momentum[i, j] = mu * momentum[i, j] + (1 - mu) * gt[i, j];
            var mk = tall ? Transpose(momentum) : momentum;                       // k×n
            var cross = MatMul(mk, Transpose(Sinkhorn(MatMul(Transpose(rotation), mk), eps)));   // k×k
            rotation = GramSchmidt(cross);
            var direction = MatMul(rotation, Sinkhorn(MatMul(Transpose(rotation), mk), eps));
            if (tall)
                direction = Transpose(direction);
            double adjusted = lr * 0.2 * Math.Sqrt(n);
            for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) w[i, j] = (1 - lr * wd) * w[i, j] - adjusted * direction[i, j];

            p.grad = ToTensor(gt);
            optimizer.step();
            var actual = p.detach().data<double>().ToArray();
            var expected = w.Cast<double>().ToArray();
            for (int i = 0; i < expected.Length; i++)
                Assert.AreEqual(expected[i], actual[i], 1e-12, $"step {t + 1}, element {i}");
        }
    }

    [TestMethod]
    public void Step_WeightDecay_IsDecoupled()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(9);
        var start = randn([3, 5], dtype: float64, generator: generator);
        var grad = randn([3, 5], dtype: float64, generator: generator);
        var a = new Parameter(start.clone());
        var b = new Parameter(start.clone());
        using var plain = new Aro([a], lr: 0.02, weightDecay: 0);
        using var decayed = new Aro([b], lr: 0.02, weightDecay: 0.3);
        a.grad = grad.clone();
        b.grad = grad.clone();
        plain.step();
        decayed.step();
        double diff = ((b - a) - start * (-0.02 * 0.3)).abs().max().item<double>();
        Assert.IsTrue(diff < 1e-14, $"decay differs from -lr*wd*W by {diff}");
    }

    [TestMethod]
    public void Sinkhorn_ManyIterations_RowAndColumnNormsConverge()
    {
        using var scope = NewDisposeScope();
        var x = randn([3, 5], dtype: float64, generator: new Generator(4)).abs() + 0.1;
        var y = Aro.ApplyRotationFunction(x, AroRotationFunction.Sinkhorn, 200, 1e-12);
        var rows = y.norm(1).data<double>().ToArray();
        var cols = y.norm(0).data<double>().ToArray();
        Assert.IsTrue(rows.All(r => Math.Abs(r - Math.Sqrt(5)) < 1e-6), string.Join(", ", rows));
        Assert.IsTrue(cols.All(c => Math.Abs(c - Math.Sqrt(3)) < 1e-9), string.Join(", ", cols));
    }

    private static double[,] Identity(int k) { var r = new double[k, k]; for (int i = 0; i < k; i++) r[i, i] = 1; return r; }

    private static double[,] Transpose(double[,] a)
    {
        var r = new double[a.GetLength(1), a.GetLength(0)];
        for (int i = 0; i < a.GetLength(0); i++) for (int j = 0; j < a.GetLength(1); j++) r[j, i] = a[i, j];
        return r;
    }

    private static double[,] MatMul(double[,] a, double[,] b)
    {
        var r = new double[a.GetLength(0), b.GetLength(1)];
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < b.GetLength(1); j++)
                for (int l = 0; l < a.GetLength(1); l++)
                    r[i, j] += a[i, l] * b[l, j];
        return r;
    }

    /// <summary>Rows to norm √n, then columns to norm √m, five times.</summary>
    private static double[,] Sinkhorn(double[,] x, double eps)
    {
        int m = x.GetLength(0), n = x.GetLength(1);
        var r = (double[,])x.Clone();
        for (int it = 0; it < 5; it++)
        {
            for (int i = 0; i < m; i++)
            {
                double norm = 0; for (int j = 0; j < n; j++) norm += r[i, j] * r[i, j];
                norm = Math.Max(Math.Sqrt(norm), eps);
                for (int j = 0; j < n; j++) r[i, j] = r[i, j] / norm * Math.Sqrt(n);
            }
            for (int j = 0; j < n; j++)
            {
                double norm = 0; for (int i = 0; i < m; i++) norm += r[i, j] * r[i, j];
                norm = Math.Max(Math.Sqrt(norm), eps);
                for (int i = 0; i < m; i++) r[i, j] = r[i, j] / norm * Math.Sqrt(m);
            }
        }
        return r;
    }

    /// <summary>Q of a QR factorization by modified Gram–Schmidt (its column signs differ from LAPACK's; the update must not care).</summary>
    private static double[,] GramSchmidt(double[,] a)
    {
        int k = a.GetLength(0);
        var q = (double[,])a.Clone();
        for (int j = 0; j < k; j++)
        {
            for (int prev = 0; prev < j; prev++)
            {
                double dot = 0; for (int i = 0; i < k; i++) dot += q[i, prev] * q[i, j];
                for (int i = 0; i < k; i++) q[i, j] -= dot * q[i, prev];
            }
            double norm = 0; for (int i = 0; i < k; i++) norm += q[i, j] * q[i, j];
            norm = Math.Sqrt(norm);
            for (int i = 0; i < k; i++) q[i, j] /= norm;
        }
        return q;
    }
}
