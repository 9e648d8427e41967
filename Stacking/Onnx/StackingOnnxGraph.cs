using Google.Protobuf;
using Onnx;

namespace MLExtensions;

/// <summary>
/// Writes the meta part of a <see cref="StackingModel"/> (input selection, meta-features, linear meta-models, blend) as one ONNX
/// graph (opset 17, computed in double precision like the managed model): input <see cref="StackingColumnNames.BasePredictions"/>
/// float [N, K], output <see cref="OutputName"/> float [N] (the prediction for regression, the blended probability for binary
/// classification). The median uses TopK over all selected inputs and gathers the middle element(s). A row with a NaN or ±∞ input
/// gives NaN.
/// </summary>
public static class StackingOnnxGraph
{
    /// <summary>Name of the graph output.</summary>
    public const string OutputName = "StackingOnnxOutput";

    /// <summary>Serializes the model's meta part as an ONNX model.</summary>
    /// <param name="model">The fitted stacking model.</param>
    /// <returns>The ONNX model bytes.</returns>
    public static byte[] ToBytes(StackingModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var g = new OnnxGraphBuilder("mlextensions_stacking");
        int constants = 0;
        string Int64s(params long[] values) => g.AddInt64s($"const_{constants++}", [values.Length], values);
        string Doubles(long[] dims, params double[] values) => g.AddDoubles($"const_{constants++}", dims, values);

        int k = model.InputNames.Count, selectedCount = model.SelectedInputs.Count;
        g.AddInput(StackingColumnNames.BasePredictions, TensorProto.Types.DataType.Float, [null, k]);
        g.AddOutput(OutputName, TensorProto.Types.DataType.Float, [null]);

        string input = g.Node("Cast", [StackingColumnNames.BasePredictions], null, OnnxGraphBuilder.Int("to", (long)TensorProto.Types.DataType.Double));
        string selected = g.Node("Gather", [input, Int64s(model.SelectedInputs.Select(i => (long)i).ToArray())], null, OnnxGraphBuilder.Int("axis", 1));
        string features = selected;
        if (model.UsesMetaFeatures)
        {
            var axes = OnnxGraphBuilder.Ints("axes", 1);
            var keepDims = OnnxGraphBuilder.Int("keepdims", 1);
            string mean = g.Node("ReduceMean", [selected], null, axes, keepDims);
            string centered = g.Node("Sub", [selected, mean]);
            string variance = g.Node("ReduceMean", [g.Node("Mul", [centered, centered])], null, axes, keepDims);
            string std = g.Node("Sqrt", [variance]);
            string max = g.Node("ReduceMax", [selected], null, axes, keepDims);
            string min = g.Node("ReduceMin", [selected], null, axes, keepDims);
            string range = g.Node("Sub", [max, min]);
            string sorted = g.Node("TopK", [selected, Int64s(selectedCount)], 2,
                OnnxGraphBuilder.Int("axis", 1), OnnxGraphBuilder.Int("largest", 1), OnnxGraphBuilder.Int("sorted", 1))[0];
            long[] middle = selectedCount % 2 == 1 ? [selectedCount / 2] : [selectedCount / 2 - 1, selectedCount / 2];
            string median = g.Node("ReduceMean", [g.Node("Gather", [sorted, Int64s(middle)], null, OnnxGraphBuilder.Int("axis", 1))], null, axes, keepDims);
            features = g.Node("Concat", [selected, mean, std, median, range, g.Node("Mul", [mean, std]), g.Node("Mul", [range, std])], null,
                OnnxGraphBuilder.Int("axis", 1));
        }

        int p = model.FeatureCount;
        string Linear(IReadOnlyList<double> coefficients, double intercept) =>
            g.Node("Add", [g.Node("MatMul", [features, Doubles([p, 1], coefficients.ToArray())]), Doubles([1], intercept)]);

        string result;
        if (model.Link == StackingLink.Identity)
        {
            var combined = model.CombinedLinearModel!;
            result = Linear(combined.Coefficients, combined.Intercept);
        }
        else
        {
            result = string.Empty;
            foreach (var component in model.Components)
            {
                string probability = g.Node("Sigmoid", [Linear(component.Model.Coefficients, component.Model.Intercept)]);
                string weighted = g.Node("Mul", [probability, Doubles([], component.BlendWeight)]);
                result = result.Length == 0 ? weighted : g.Node("Add", [result, weighted]);
            }
        }

        // A row with a NaN or ±∞ base prediction (in any input column) is scored as missing, as in process: the sum of the inputs
        // times 0 is 0 for a finite row and NaN otherwise, and adding it makes the row's output NaN.
        string poison = g.Node("ReduceSum", [g.Node("Mul", [input, Doubles([], 0)]), Int64s(1)], null, OnnxGraphBuilder.Int("keepdims", 1));
        result = g.Node("Add", [result, poison]);
        string flat = g.Node("Reshape", [result, Int64s(-1)]);
        g.Node("Cast", [flat], OutputName, OnnxGraphBuilder.Int("to", (long)TensorProto.Types.DataType.Float));
        return g.ToModel("MLExtensions stacking meta-model").ToByteArray();
    }
}
