using System.Globalization;
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions;

/// <summary>
/// The one place that reads and copies ML.NET's <c>KeyValues</c> annotation (the values behind a key column's keys, in key order),
/// whatever its item type: text, numbers or Booleans.
/// </summary>
internal static class KeyValuesAnnotation
{
    /// <summary>The annotation's name, ML.NET's <c>AnnotationUtils.Kinds.KeyValues</c>.</summary>
    public const string Kind = "KeyValues";

    /// <summary>The annotation's type (a vector of the key values' type), or <c>null</c> when <paramref name="annotations"/> has none.</summary>
    public static VectorDataViewType? TypeOf(DataViewSchema.Annotations? annotations) =>
        annotations?.Schema.GetColumnOrNull(Kind)?.Type as VectorDataViewType;

    /// <summary>The key values as invariant text, in key order; <c>null</c> when there are none.</summary>
    public static IReadOnlyList<string>? ReadAsText(DataViewSchema.Annotations? annotations) =>
        TypeOf(annotations) is { } type ? (IReadOnlyList<string>)Generic(nameof(ReadAsText), type).Invoke(null, [annotations])! : null;

    /// <summary>
    /// A new annotation set holding only a copy of the key values: it references neither the source schema nor anything the
    /// source's getters close over (a transformer must not keep its training data alive). <c>null</c> when there are none.
    /// </summary>
    public static DataViewSchema.Annotations? Detach(DataViewSchema.Annotations? annotations) =>
        TypeOf(annotations) is { } type ? (DataViewSchema.Annotations)Generic(nameof(Detach), type).Invoke(null, [annotations, type])! : null;

    /// <summary>Adds the key values of <paramref name="annotations"/>, with their own type, to a schema-definition column (a no-op without them).</summary>
    public static void CopyTo(DataViewSchema.Annotations? annotations, SchemaDefinition.Column column)
    {
        if (TypeOf(annotations) is { } type) Generic(nameof(CopyTo), type).Invoke(null, [annotations, column, type]);
    }

    /// <summary>
    /// Adds <paramref name="count"/> default key values of <paramref name="itemType"/> to a schema-definition column: a stand-in with
    /// the annotation's kind and type, for an output shape (which never holds values).
    /// </summary>
    public static void AddPlaceholder(SchemaDefinition.Column column, PrimitiveDataViewType itemType, int count) =>
        Generic(nameof(AddPlaceholder), itemType).Invoke(null, [column, new VectorDataViewType(itemType, count)]);

    private static MethodInfo Generic(string name, VectorDataViewType type) => Generic(name, type.ItemType);

    private static MethodInfo Generic(string name, DataViewType itemType) =>
        typeof(KeyValuesAnnotation).GetMethod(name + "Core", BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(itemType.RawType);

    private static void AddPlaceholderCore<T>(SchemaDefinition.Column column, VectorDataViewType type) =>
        column.AddAnnotation(Kind, new VBuffer<T>(type.Size, new T[type.Size]), type);

    private static VBuffer<T> Read<T>(DataViewSchema.Annotations annotations)
    {
        VBuffer<T> values = default;
        annotations.GetValue(Kind, ref values);
        return values;
    }

    private static IReadOnlyList<string> ReadAsTextCore<T>(DataViewSchema.Annotations annotations) =>
        Read<T>(annotations).DenseValues().Select(v => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "").ToArray();

    private static DataViewSchema.Annotations DetachCore<T>(DataViewSchema.Annotations annotations, VectorDataViewType type)
    {
        VBuffer<T> copy = default;
        Read<T>(annotations).CopyTo(ref copy);
        var builder = new DataViewSchema.Annotations.Builder();
        builder.Add(Kind, type, (ref VBuffer<T> value) => copy.CopyTo(ref value));
        return builder.ToAnnotations();
    }

    private static void CopyToCore<T>(DataViewSchema.Annotations annotations, SchemaDefinition.Column column, VectorDataViewType type) =>
        column.AddAnnotation(Kind, Read<T>(annotations), type);
}
