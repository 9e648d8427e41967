using System.Buffers;
using System.Numerics.Tensors;

namespace MLExtensions;

/// <summary>
/// Evaluates a trained <see cref="MlpNetwork"/> (eval mode) on one row in managed code, with SIMD dot products. Used where rows
/// are scored one at a time (<c>PredictionEngine</c>, shuffled cursors): there a native call per layer costs more than the
/// arithmetic of a small network. Thread-safe; it holds only the weights.
/// </summary>
/// <remarks>
/// Float32 throughout, like the network. Results differ from TorchSharp's only by summation order (about 1e-6 relative); GELU
/// uses an erf approximation with relative error below 1.2e-7.
/// </remarks>
internal sealed class MlpRowEvaluator
{
    private readonly MlpArchitecture _architecture;
    private readonly Layer[] _hidden;
    private readonly Layer _output;
    private readonly int _widest;

    /// <summary>Copies the weights named as <see cref="MlpArchitecture"/> documents.</summary>
    /// <exception cref="ArgumentException">A weight is missing or has the wrong size.</exception>
    public MlpRowEvaluator(MlpArchitecture architecture, IReadOnlyList<NamedTensorData> weights)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(weights);
        _architecture = architecture;
        var byName = weights.ToDictionary(w => w.Name, w => w.Values);
        float[] Get(string name, int size) => byName.TryGetValue(name, out var values) && values.Length == size
            ? values
            : throw new ArgumentException($"Weight '{name}' with {size} values is missing for architecture {architecture}.", nameof(weights));

        _hidden = new Layer[architecture.HiddenSizes.Count];
        int inputs = architecture.InputSize;
        _widest = Math.Max(inputs, architecture.OutputSize);
        for (int i = 0; i < _hidden.Length; i++)
        {
            int units = architecture.HiddenSizes[i];
            string prefix = $"hidden.{i}.";
            var layer = new Layer(inputs, units, Get(prefix + "linear.weight", units * inputs), Get(prefix + "linear.bias", units));
            if (architecture.Normalization != NormalizationKind.None)
            {
                layer.NormWeight = Get(prefix + "norm.weight", units);
                layer.NormBias = Get(prefix + "norm.bias", units);
            }

            if (architecture.Normalization == NormalizationKind.BatchNorm)
            {
                // Eval-mode batch norm is an affine map: (x - mean) / sqrt(var + eps) * weight + bias.
                var mean = Get(prefix + "norm.running_mean", units);
                var variance = Get(prefix + "norm.running_var", units);
                layer.Scale = new float[units];
                layer.Shift = new float[units];
                for (int u = 0; u < units; u++)
                {
                    float scale = layer.NormWeight![u] / MathF.Sqrt(variance[u] + (float)MlpArchitecture.NormalizationEpsilon);
                    layer.Scale[u] = scale;
                    layer.Shift[u] = layer.NormBias![u] - mean[u] * scale;
                }
            }

            _hidden[i] = layer;
            _widest = Math.Max(_widest, units);
            inputs = units;
        }

        int outputs = architecture.OutputSize;
        _output = new Layer(inputs, outputs, Get("output.weight", outputs * inputs), Get("output.bias", outputs));
    }

    /// <summary>Writes the network's raw outputs for <paramref name="input"/> into <paramref name="output"/>.</summary>
    public void Evaluate(ReadOnlySpan<float> input, Span<float> output)
    {
        if (input.Length != _architecture.InputSize || output.Length != _architecture.OutputSize)
        {
            throw new ArgumentException(
                $"Expected {_architecture.InputSize} inputs and {_architecture.OutputSize} outputs; got {input.Length} and {output.Length}.");
        }

        Forward(input, default, sparse: false, output);
    }

    /// <summary>Writes the network's raw outputs for a sparse input (the explicit <paramref name="values"/> at the ascending slots
    /// <paramref name="indices"/>; every other slot 0) into <paramref name="output"/>: the first layer sums only the explicit slots' weights.</summary>
    public void EvaluateSparse(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, Span<float> output)
    {
        if (indices.Length != values.Length || output.Length != _architecture.OutputSize)
        {
            throw new ArgumentException(
                $"Expected as many indices as values and {_architecture.OutputSize} outputs; got {indices.Length}, {values.Length} and {output.Length}.");
        }

        foreach (int index in indices)
        {
            if ((uint)index >= (uint)_architecture.InputSize)
            {
                throw new ArgumentException($"Sparse slot {index} is outside the {_architecture.InputSize} inputs.", nameof(indices));
            }
        }

        Forward(values, indices, sparse: true, output);
    }

    /// <summary>The forward pass; with <paramref name="sparse"/>, <paramref name="input"/> holds the values at <paramref name="indices"/>.</summary>
    private void Forward(ReadOnlySpan<float> input, ReadOnlySpan<int> indices, bool sparse, Span<float> output)
    {

        float[] a = ArrayPool<float>.Shared.Rent(_widest);
        float[] b = ArrayPool<float>.Shared.Rent(_widest);
        try
        {
            ReadOnlySpan<float> x = input;
            bool first = true;
            foreach (var layer in _hidden)
            {
                var y = a.AsSpan(0, layer.Outputs);
                if (first && sparse)
                {
                    layer.ApplySparse(indices, x, y);
                }
                else
                {
                    layer.Apply(x, y);
                }

                first = false;
                Normalize(layer, y);
                Activate(y, _architecture.Activation);
                x = y;
                (a, b) = (b, a);
            }

            if (first && sparse)
            {
                _output.ApplySparse(indices, x, output);
            }
            else
            {
                _output.Apply(x, output);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(a);
            ArrayPool<float>.Shared.Return(b);
        }
    }

    private void Normalize(Layer layer, Span<float> y)
    {
        switch (_architecture.Normalization)
        {
            case NormalizationKind.BatchNorm:
                TensorPrimitives.MultiplyAdd(y, layer.Scale!, layer.Shift!, y);
                break;
            case NormalizationKind.LayerNorm:
                float mean = TensorPrimitives.Sum<float>(y) / y.Length;
                float variance = 0;
                foreach (float v in y)
                {
                    variance += (v - mean) * (v - mean);
                }

                float inverse = 1f / MathF.Sqrt(variance / y.Length + (float)MlpArchitecture.NormalizationEpsilon);
                for (int u = 0; u < y.Length; u++)
                {
                    y[u] = (y[u] - mean) * inverse * layer.NormWeight![u] + layer.NormBias![u];
                }

                break;
        }
    }

    private static void Activate(Span<float> y, ActivationKind activation)
    {
        switch (activation)
        {
            case ActivationKind.ReLU:
                TensorPrimitives.Max(y, 0f, y);
                break;
            case ActivationKind.Tanh:
                TensorPrimitives.Tanh(y, y);
                break;
            case ActivationKind.Sigmoid:
                TensorPrimitives.Sigmoid(y, y);
                break;
            case ActivationKind.SiLU:
                for (int i = 0; i < y.Length; i++)
                {
                    y[i] /= 1f + MathF.Exp(-y[i]);
                }

                break;
            case ActivationKind.LeakyReLU:
                for (int i = 0; i < y.Length; i++)
                {
                    y[i] = y[i] >= 0 ? y[i] : 0.01f * y[i];
                }

                break;
            case ActivationKind.GELU:
                for (int i = 0; i < y.Length; i++)
                {
                    y[i] = (float)(0.5 * y[i] * (1 + Erf(y[i] / Math.Sqrt(2))));
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
        }
    }

    /// <summary>The error function by the Chebyshev-fitted complementary form (Numerical Recipes' erfc; relative error &lt; 1.2e-7).</summary>
    internal static double Erf(double x)
    {
        double z = Math.Abs(x);
        double t = 1 / (1 + 0.5 * z);
        double polynomial = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
            t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
        double complement = t * Math.Exp(polynomial);
        return x >= 0 ? 1 - complement : complement - 1;
    }

    /// <summary>One linear map [outputs, inputs] (row-major, PyTorch's layout) with its bias and optional normalization.</summary>
    private sealed class Layer(int inputs, int outputs, float[] weight, float[] bias)
    {
        public int Outputs => outputs;

        public float[]? NormWeight { get; set; }

        public float[]? NormBias { get; set; }

        public float[]? Scale { get; set; }

        public float[]? Shift { get; set; }

        public void Apply(ReadOnlySpan<float> x, Span<float> y)
        {
            for (int o = 0; o < outputs; o++)
            {
                y[o] = bias[o] + TensorPrimitives.Dot(weight.AsSpan(o * inputs, inputs), x);
            }
        }

        /// <summary>y = W x + b for x with the values <paramref name="values"/> at the slots <paramref name="indices"/> (0 elsewhere).</summary>
        public void ApplySparse(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, Span<float> y)
        {
            for (int o = 0; o < outputs; o++)
            {
                var row = weight.AsSpan(o * inputs, inputs);
                float sum = 0;
                for (int k = 0; k < indices.Length; k++)
                {
                    sum += row[indices[k]] * values[k];
                }

                y[o] = bias[o] + sum;
            }
        }
    }
}
