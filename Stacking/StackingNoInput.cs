using Microsoft.ML.Data;

namespace MLExtensions;

/// <summary>An input row with no columns (used to borrow output schema shapes).</summary>
public sealed class StackingNoInput
{
}
