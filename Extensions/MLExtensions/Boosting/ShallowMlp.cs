using System.Numerics.Tensors;

namespace MLExtensions;

/// <summary>
/// The base learner of one GBNN step: a one-hidden-layer network (inputs → J units → K linear outputs) fitted by L-BFGS to
/// the pseudo-residuals, as scikit-learn's <c>MLPRegressor(hidden_layer_sizes=(J,), solver='lbfgs')</c> does: loss
/// ½·mean((h − r)²) over all rows and outputs plus (alpha / 2n)·‖weights‖² (biases unpenalized), Glorot-uniform start
/// (bound √(2/(fan_in + fan_out)) for the logistic activation, √(6/…) otherwise, biases too). Double precision throughout.
/// </summary>
internal sealed class ShallowMlp
{
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
        var buffers = new Buffers(rows, _units, _outputs);
        return Lbfgs.Minimize((theta, gradient) => Objective(x, targets, weights, rows, alpha, theta, gradient, buffers), _theta, maxIterations);
    }

    /// <summary>The training objective at <paramref name="theta"/> (laid out like <see cref="Parameters"/>) and its gradient.</summary>
    internal double Objective(double[] x, double[] targets, int rows, double alpha, ReadOnlySpan<double> theta, Span<double> gradient) =>
        Objective(x, targets, null, rows, alpha, theta, gradient, new Buffers(rows, _units, _outputs));

    private double Objective(double[] x, double[] targets, double[]? weights, int rows, double alpha, ReadOnlySpan<double> theta, Span<double> gradient,
                             Buffers buffers)
    {
        var (hidden, output, delta) = (buffers.Hidden, buffers.Output, buffers.Delta);
        Forward(theta, x, rows, hidden, output);
        int w1 = _units * _inputs, b1 = w1, w2 = b1 + _units, b2 = w2 + _outputs * _units;
        double loss = 0, penalty = 0;
        gradient.Clear();
        double total = rows;
        if (weights is not null)
        {
            total = 0;
            for (int n = 0; n < rows; n++) total += weights[n];
        }

        double scale = 1.0 / (total * _outputs);
        for (int i = 0; i < output.Length; i++)
        {
            double e = output[i] - targets[i];
            double weight = weights?[i / _outputs] ?? 1;
            loss += weight * e * e;
            output[i] = weight * e * scale; // now dObjective/dOutput
        }

        Array.Clear(delta);
        for (int n = 0; n < rows; n++)
        {
            for (int k = 0; k < _outputs; k++)
            {
                double d = output[n * _outputs + k];
                gradient[b2 + k] += d;
                for (int j = 0; j < _units; j++)
                {
                    gradient[w2 + k * _units + j] += d * hidden[n * _units + j];
                    delta[n * _units + j] += d * theta[w2 + k * _units + j];
                }
            }

            for (int j = 0; j < _units; j++)
            {
                double a = hidden[n * _units + j];
                double derivative = _activation switch
                {
                    ActivationKind.Sigmoid => a * (1 - a),
                    ActivationKind.Tanh => 1 - a * a,
                    _ => a > 0 ? 1 : 0,
                };
                double d = delta[n * _units + j] * derivative;
                gradient[b1 + j] += d;
                var target = gradient.Slice(j * _inputs, _inputs);
                TensorPrimitives.MultiplyAdd(x.AsSpan(n * _inputs, _inputs), d, target, target);
            }
        }

        double l2 = alpha / total;
        for (int i = 0; i < w1; i++)
        {
            penalty += theta[i] * theta[i];
            gradient[i] += l2 * theta[i];
        }

        for (int i = w2; i < b2; i++)
        {
            penalty += theta[i] * theta[i];
            gradient[i] += l2 * theta[i];
        }

        return 0.5 * loss * scale + 0.5 * l2 * penalty;
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

    /// <summary>Scratch arrays of one fit: hidden activations, outputs (then their gradient), hidden gradient.</summary>
    private sealed class Buffers(int rows, int units, int outputs)
    {
        public double[] Hidden { get; } = new double[rows * units];

        public double[] Output { get; } = new double[rows * outputs];

        public double[] Delta { get; } = new double[rows * units];
    }
}
