using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace MLExtensions;

/// <summary>
/// The base learner of one GBNN step: a one-hidden-layer network (inputs → J units → K linear outputs) fitted by L-BFGS to
/// the pseudo-residuals, as scikit-learn's <c>MLPRegressor(hidden_layer_sizes=(J,), solver='lbfgs')</c> does: loss
/// ½·mean((h − r)²) over all rows and outputs plus (alpha / 2n)·‖weights‖² (biases unpenalized), Glorot-uniform start
/// (bound √(2/(fan_in + fan_out)) for the logistic activation, √(6/…) otherwise, biases too). Double precision throughout.
/// </summary>
internal sealed class ShallowMlp
{
    /// <summary>Rows per block of the objective: a block's feature columns (D·m doubles) stay in cache between its forward and backward pass.</summary>
    internal const int BlockRows = 512;

    private readonly int _inputs;
    private readonly int _units;
    private readonly int _outputs;
    private readonly ActivationKind _activation;

    /// <summary>Parameters, flat: hidden weights [J×D], hidden bias [J], output weights [K×J], output bias [K].</summary>
    private readonly double[] _theta;

    public ShallowMlp(int inputs, int units, int outputs, ActivationKind activation, Random random)
    {
        _inputs = inputs;
        _units = units;
        _outputs = outputs;
        _activation = activation;
        _theta = new double[units * inputs + units + outputs * units + outputs];
        double factor = activation == ActivationKind.Sigmoid ? 2 : 6;
        double hiddenBound = Math.Sqrt(factor / (inputs + units));
        double outputBound = Math.Sqrt(factor / (units + outputs));
        int hiddenEnd = units * inputs + units;
        for (int i = 0; i < _theta.Length; i++)
        {
            double bound = i < hiddenEnd ? hiddenBound : outputBound;
            _theta[i] = (2 * random.NextDouble() - 1) * bound;
        }
    }

    public ReadOnlySpan<double> HiddenWeights => _theta.AsSpan(0, _units * _inputs);

    public ReadOnlySpan<double> HiddenBias => _theta.AsSpan(_units * _inputs, _units);

    public ReadOnlySpan<double> OutputWeights => _theta.AsSpan(_units * _inputs + _units, _outputs * _units);

    public ReadOnlySpan<double> OutputBias => _theta.AsSpan(_units * _inputs + _units + _outputs * _units, _outputs);

    /// <summary>All parameters, flat: hidden weights [J×D], hidden bias [J], output weights [K×J], output bias [K].</summary>
    internal double[] Parameters => _theta;

    /// <summary>Fits to <paramref name="targets"/> ([n×K]) on <paramref name="x"/> ([n×D]), every row weighing 1; returns the L-BFGS iterations and objective evaluations used.</summary>
    public (int Iterations, int Evaluations) Fit(double[] x, double[] targets, int rows, double alpha, int maxIterations) => Fit(x, targets, null, rows, alpha, maxIterations);

    /// <summary>Fits to <paramref name="targets"/> ([n×K]) on <paramref name="x"/> ([n×D]), each row's squared error weighed by
    /// <paramref name="weights"/> (<c>null</c>: 1; the mean and the L2 scale then use the weight sum for n); returns the L-BFGS iterations and objective evaluations used.</summary>
    public (int Iterations, int Evaluations) Fit(double[] x, double[] targets, double[]? weights, int rows, double alpha, int maxIterations)
    {
        var buffers = new Buffers(x, targets, weights, rows, _inputs, _units, _outputs);
        return Lbfgs.Minimize((theta, gradient) => Objective(buffers, alpha, theta, gradient), _theta, maxIterations);
    }

    /// <summary>The training objective at <paramref name="theta"/> (laid out like <see cref="Parameters"/>) and its gradient.</summary>
    internal double Objective(double[] x, double[] targets, int rows, double alpha, ReadOnlySpan<double> theta, Span<double> gradient) =>
        Objective(x, targets, null, rows, alpha, theta, gradient);

    /// <summary>As the unweighted overload, each row's squared error weighed by <paramref name="weights"/> (<c>null</c>: 1).</summary>
    internal double Objective(double[] x, double[] targets, double[]? weights, int rows, double alpha, ReadOnlySpan<double> theta, Span<double> gradient) =>
        Objective(new Buffers(x, targets, weights, rows, _inputs, _units, _outputs), alpha, theta, gradient);

    /// <summary>
    /// The objective and its gradient in column operations over blocks of <see cref="BlockRows"/> rows: the rows sit in the
    /// columns of the transposed features and targets, so every product runs over a block's rows at once (the reference's matrix
    /// products, without per-row loops whose cost grew with J), and a block's features are read for the forward and the backward
    /// pass while they are still in cache: Z = W1·Xᵀ + b1, A = act(Z), O = W2·A + b2, dO = w⊙(O − T)/(Σw·K), ∇W2 = dO·Aᵀ,
    /// Δ = (W2ᵀ·dO)⊙act′(A), ∇W1 = Δ·X, each summed over the blocks. A feature column that is all zero in a block is skipped, and
    /// one with few non-zeros there (one-hot or text features) is read as a list of them (<see cref="BlockColumns"/>): the forward
    /// pass adds the same products in the same order as the dense loop (the skipped ones are exact zeros), and the backward pass sums
    /// the same non-zero products in row order instead of the vectorized dot product's order.
    /// </summary>
    private double Objective(Buffers buffers, double alpha, ReadOnlySpan<double> theta, Span<double> gradient)
    {
        int n = buffers.Rows, d = _inputs, j = _units, k = _outputs;
        int w1 = 0, b1 = j * d, w2 = b1 + j, b2 = w2 + k * j;
        var (xt, tt, weights, output, delta) = (buffers.FeaturesByColumn, buffers.TargetsByColumn, buffers.Weights, buffers.Output, buffers.Delta);
        var hidden = buffers.Hidden;
        double scale = 1.0 / (buffers.WeightTotal * k), loss = 0;
        gradient.Clear();
        for (int start = 0, block = 0; start < n; start += BlockRows, block++)
        {
            int m = Math.Min(BlockRows, n - start);
            var columns = buffers.Columns[block];

            // Forward: the block's hidden pre-activations, a feature column at a time for all units, then the activation in place.
            for (int u = 0; u < j; u++)
            {
                hidden.Slice(u * m, m).Fill(theta[b1 + u]);
            }

            foreach (int i in columns.Active)
            {
                if (columns.IsDense(i))
                {
                    var column = xt.AsSpan(i * n + start, m);
                    for (int u = 0; u < j; u++)
                    {
                        var z = hidden.Slice(u * m, m);
                        TensorPrimitives.MultiplyAdd(column, theta[w1 + u * d + i], z, z);
                    }
                }
                else
                {
                    var rows = columns.NonZeroRows(i);
                    var values = columns.NonZeroValues(i);
                    for (int p = 0; p < rows.Length; p++)
                    {
                        for (int u = 0; u < j; u++)
                        {
                            hidden[u * m + rows[p]] += values[p] * theta[w1 + u * d + i];
                        }
                    }
                }
            }

            ActivateInPlace(hidden.Slice(0, j * m), _activation);

            // Outputs and their errors: the loss adds the (weighted) squared errors, then each error becomes dObjective/dOutput.
            for (int c = 0; c < k; c++)
            {
                var o = output.AsSpan(c * m, m);
                o.Fill(theta[b2 + c]);
                for (int u = 0; u < j; u++)
                {
                    TensorPrimitives.MultiplyAdd(hidden.Slice(u * m, m), theta[w2 + c * j + u], o, o);
                }

                TensorPrimitives.Subtract(o, tt.AsSpan(c * n + start, m), o);
                if (weights is null)
                {
                    loss += TensorPrimitives.SumOfSquares<double>(o);
                    TensorPrimitives.Multiply(o, scale, o);
                }
                else
                {
                    var weighted = delta.AsSpan(0, m); // scratch until the backward pass
                    TensorPrimitives.Multiply(o, weights.AsSpan(start, m), weighted);
                    loss += TensorPrimitives.Dot<double>(weighted, o);
                    TensorPrimitives.Multiply(weighted, scale, o);
                }

                gradient[b2 + c] += TensorPrimitives.Sum<double>(o);
                for (int u = 0; u < j; u++)
                {
                    gradient[w2 + c * j + u] += TensorPrimitives.Dot<double>(o, hidden.Slice(u * m, m));
                }
            }

            // Backward: the error each hidden unit receives, through its activation, then the input weights' gradient.
            for (int u = 0; u < j; u++)
            {
                var du = delta.AsSpan(u * m, m);
                TensorPrimitives.Multiply(output.AsSpan(0, m), theta[w2 + u], du);
                for (int c = 1; c < k; c++)
                {
                    TensorPrimitives.MultiplyAdd(output.AsSpan(c * m, m), theta[w2 + c * j + u], du, du);
                }

                ActivationDerivative(hidden.Slice(u * m, m), du);
                gradient[b1 + u] += TensorPrimitives.Sum<double>(du);
            }

            foreach (int i in columns.Active)
            {
                if (columns.IsDense(i))
                {
                    var column = xt.AsSpan(i * n + start, m);
                    for (int u = 0; u < j; u++)
                    {
                        gradient[w1 + u * d + i] += TensorPrimitives.Dot<double>(delta.AsSpan(u * m, m), column);
                    }
                }
                else
                {
                    var rows = columns.NonZeroRows(i);
                    var values = columns.NonZeroValues(i);
                    for (int u = 0; u < j; u++)
                    {
                        double sum = 0;
                        var du = delta.AsSpan(u * m, m);
                        for (int p = 0; p < rows.Length; p++)
                        {
                            sum += du[rows[p]] * values[p];
                        }

                        gradient[w1 + u * d + i] += sum;
                    }
                }
            }
        }

        // L2 on the weights, not the biases.
        double l2 = alpha / buffers.WeightTotal;
        double penalty = TensorPrimitives.SumOfSquares(theta.Slice(w1, j * d)) + TensorPrimitives.SumOfSquares(theta.Slice(w2, k * j));
        var g1 = gradient.Slice(w1, j * d);
        TensorPrimitives.MultiplyAdd(theta.Slice(w1, j * d), l2, g1, g1);
        var g2 = gradient.Slice(w2, k * j);
        TensorPrimitives.MultiplyAdd(theta.Slice(w2, k * j), l2, g2, g2);
        return 0.5 * loss * scale + 0.5 * l2 * penalty;
    }

    /// <summary>Lowest pre-activation passed to the vectorized sigmoid: below it exp(−z) would overflow (z &lt; −709.78).</summary>
    internal const double SigmoidFloor = -700;
    /// <summary>Highest pre-activation passed to the vectorized sigmoid: sigmoid(z) rounds to 1 for every z ≥ 37.</summary>
    internal const double SigmoidCeiling = 40;
    /// <summary>Pre-activation magnitude beyond which tanh is passed this bound: tanh(z) rounds to ±1 for |z| ≥ 19.1.</summary>
    internal const double TanhBound = 20;

    /// <summary>
    /// Applies the activation to <paramref name="a"/> in place, each element's result depending on that element alone.
    /// </summary>
    /// <remarks>
    /// TensorPrimitives' Sigmoid and Tanh send a whole SIMD vector down a special path when one of its elements overflows exp, and
    /// that path rounds the vector's ordinary elements differently; whether it runs also differs between the runtime's first
    /// (tier-0) and optimized code. Either way one element's result followed its neighbours and the moment the runtime swapped
    /// code, and a fixed seed gave different models on different runs. Clamping first keeps every element on the ordinary path.
    /// Tanh's bound and sigmoid's ceiling change nothing (the results round to ±1 there anyway); sigmoid's floor gives
    /// sigmoid(−700) ≈ 1e−304 instead of a smaller value or 0 below it, a deviation under 1e−304.
    /// </remarks>
    internal static void ActivateInPlace(Span<double> a, ActivationKind activation)
    {
        switch (activation)
        {
            case ActivationKind.Sigmoid:
                TensorPrimitives.Max(a, SigmoidFloor, a);
                TensorPrimitives.Min(a, SigmoidCeiling, a);
                TensorPrimitives.Sigmoid(a, a);
                break;
            case ActivationKind.Tanh:
                TensorPrimitives.Max(a, -TanhBound, a);
                TensorPrimitives.Min(a, TanhBound, a);
                TensorPrimitives.Tanh(a, a);
                break;
            default:
                TensorPrimitives.Max(a, 0.0, a);
                break;
        }
    }

    /// <summary>Multiplies <paramref name="delta"/> by the activation's derivative, written in terms of the activation <paramref name="a"/>.</summary>
    private void ActivationDerivative(ReadOnlySpan<double> a, Span<double> delta)
    {
        var av = MemoryMarshal.Cast<double, Vector<double>>(a);
        var dv = MemoryMarshal.Cast<double, Vector<double>>(delta);
        int tail = av.Length * Vector<double>.Count;
        switch (_activation)
        {
            case ActivationKind.Sigmoid:
                for (int i = 0; i < av.Length; i++) dv[i] *= av[i] * (Vector<double>.One - av[i]);
                for (int i = tail; i < a.Length; i++) delta[i] *= a[i] * (1 - a[i]);
                break;
            case ActivationKind.Tanh:
                for (int i = 0; i < av.Length; i++) dv[i] *= Vector<double>.One - av[i] * av[i];
                for (int i = tail; i < a.Length; i++) delta[i] *= 1 - a[i] * a[i];
                break;
            default:
                for (int i = 0; i < av.Length; i++) dv[i] = Vector.ConditionalSelect(Vector.GreaterThan(av[i], Vector<double>.Zero), dv[i], Vector<double>.Zero);
                for (int i = tail; i < a.Length; i++) delta[i] = a[i] > 0 ? delta[i] : 0;
                break;
        }
    }

    /// <summary>The outputs [n×K] on <paramref name="x"/> ([n×D]).</summary>
    public double[] Predict(double[] x, int rows)
    {
        var hidden = new double[rows * _units];
        var output = new double[rows * _outputs];
        Forward(_theta, x, rows, hidden, output);
        return output;
    }

    private void Forward(ReadOnlySpan<double> theta, double[] x, int rows, double[] hidden, double[] output)
    {
        int w1 = 0, b1 = _units * _inputs, w2 = b1 + _units, b2 = w2 + _outputs * _units;
        for (int n = 0; n < rows; n++)
        {
            var row = x.AsSpan(n * _inputs, _inputs);
            for (int j = 0; j < _units; j++)
            {
                double z = theta[b1 + j] + TensorPrimitives.Dot(theta.Slice(w1 + j * _inputs, _inputs), row);
                hidden[n * _units + j] = Activate(z, _activation);
            }

            for (int k = 0; k < _outputs; k++)
            {
                double z = theta[b2 + k];
                for (int j = 0; j < _units; j++)
                {
                    z += theta[w2 + k * _units + j] * hidden[n * _units + j];
                }

                output[n * _outputs + k] = z;
            }
        }
    }

    /// <summary>The hidden activations GBNN supports (scikit-learn's logistic, tanh and relu).</summary>
    public static double Activate(double z, ActivationKind activation) => activation switch
    {
        ActivationKind.Sigmoid => 1 / (1 + Math.Exp(-z)),
        ActivationKind.Tanh => Math.Tanh(z),
        ActivationKind.ReLU => Math.Max(z, 0),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "GBNN supports Sigmoid, Tanh and ReLU."),
    };

    /// <summary>
    /// One fit's rows transposed (a column per row: features [D×n], targets [K×n]), the weights and their total, and one block's scratch:
    /// hidden activations [J×m], outputs (then their gradient) [K×m] and hidden gradient [J×m] (m ≤ <see cref="BlockRows"/>).
    /// </summary>
    private sealed class Buffers
    {
        public Buffers(double[] x, double[] targets, double[]? weights, int rows, int inputs, int units, int outputs)
        {
            // Rows of weight 0 add exactly nothing: they are left out, so a fit with zero weights is the fit without those rows.
            int[]? kept = weights is not null && weights.AsSpan(0, rows).Contains(0.0)
                ? Enumerable.Range(0, rows).Where(i => weights[i] != 0).ToArray()
                : null;
            Rows = kept?.Length ?? rows;
            FeaturesByColumn = Transpose(x, kept, Rows, inputs);
            Columns = BlockColumns.Of(FeaturesByColumn, Rows, inputs, BlockRows);
            TargetsByColumn = Transpose(targets, kept, Rows, outputs);
            Weights = weights is null ? null : kept is null ? weights.AsSpan(0, rows).ToArray() : Array.ConvertAll(kept, i => weights[i]);
            WeightTotal = Weights is null ? rows : Weights.Sum();
            rows = Rows;
            int block = Math.Min(rows, BlockRows);
            _hidden = AlignedArray(block * units, out _hiddenOffset);
            _hiddenLength = block * units;
            Output = new double[block * outputs];
            Delta = new double[block * units];
        }

        public int Rows { get; }

        public double[] FeaturesByColumn { get; }

        /// <summary>Per block of <see cref="BlockRows"/> rows: which feature columns are dense there, and the others' non-zeros.</summary>
        public BlockColumns[] Columns { get; }

        public double[] TargetsByColumn { get; }

        public double[]? Weights { get; }

        /// <summary>n, or the weight sum: the mean's denominator and the L2 penalty's scale.</summary>
        public double WeightTotal { get; }

        private readonly double[] _hidden;
        private readonly int _hiddenOffset;
        private readonly int _hiddenLength;

        /// <summary>
        /// The block's hidden activations, starting on a <see cref="Alignment"/>-byte boundary. TensorPrimitives' Sigmoid and Tanh
        /// (their vectorized exp) round an element slightly differently when another element of the same SIMD vector leaves exp's
        /// range (z below about −709), and which elements share a vector depends on the destination's address. With the address of a
        /// fresh array, the same fit could end at different parameters from run to run (L-BFGS amplifies the last-bit differences);
        /// a fixed alignment makes the objective, and so every fit, bit-reproducible on a machine.
        /// </summary>
        public Span<double> Hidden => _hidden.AsSpan(_hiddenOffset, _hiddenLength);

        public double[] Output { get; }

        public double[] Delta { get; }

        /// <summary>Bytes of the hidden buffer's alignment: a whole vector of the widest SIMD (512-bit) the runtime may use.</summary>
        private const int Alignment = 64;

        /// <summary>
        /// An array on the pinned object heap (it never moves) holding <paramref name="length"/> doubles from <paramref name="offset"/>,
        /// where they start on an <see cref="Alignment"/>-byte boundary.
        /// </summary>
        private static double[] AlignedArray(int length, out int offset)
        {
            var array = GC.AllocateArray<double>(length + Alignment / sizeof(double) - 1, pinned: true);
            var handle = GCHandle.Alloc(array, GCHandleType.Pinned);
            long address = handle.AddrOfPinnedObject();
            handle.Free();
            offset = (int)((Alignment - address % Alignment) % Alignment / sizeof(double));
            return array;
        }

        /// <summary>Rows <paramref name="kept"/> (<c>null</c>: the first <paramref name="rows"/>) of the row-major <paramref name="source"/>, as columns.</summary>
        private static double[] Transpose(double[] source, int[]? kept, int rows, int columns)
        {
            var result = new double[rows * columns];
            for (int r = 0; r < rows; r++)
            {
                int row = kept?[r] ?? r;
                for (int c = 0; c < columns; c++)
                {
                    result[c * rows + r] = source[row * columns + c];
                }
            }

            return result;
        }
    }
}
