using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using TorchSharp;

namespace MLExtensions.Tests.Optimizers;

/// <summary>
/// Finds, in compiled IL, every call to TorchSharp's implicit <c>Scalar</c> conversions (<c>Scalar.op_Implicit</c>): the
/// compiler emits one for every .NET number passed where a <c>Scalar</c> is expected (method arguments and operators alike),
/// so this sees every site the C# source has, lambdas, iterators and local functions included. Sites are reported as
/// <c>file:line</c> when the assembly's portable PDB is next to it.
/// </summary>
internal static class ScalarConversionAudit
{
    private static readonly Dictionary<short, OpCode> s_opCodes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>Every implicit <c>Scalar</c> conversion in <paramref name="assembly"/>, as "Type.Method (file:line)".</summary>
    public static IReadOnlyList<string> ImplicitScalarConversions(Assembly assembly)
    {
        using var pdb = OpenPdb(assembly);
        var reader = pdb?.GetMetadataReader();
        var sites = new List<string>();
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in assembly.GetTypes())
        {
            var methods = type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all));
            foreach (var method in methods)
                foreach (int offset in ImplicitScalarCallOffsets(method))
                    sites.Add($"{type.FullName}.{method.Name} ({Line(reader, method, offset)})");
        }
        return sites;
    }

    /// <summary>
    /// Calls from <paramref name="assembly"/> to TorchSharp methods that make implicit <c>Scalar</c> conversions themselves
    /// (or in what they call inside TorchSharp, up to <paramref name="depth"/> levels), such as <c>Tensor.add_(Tensor)</c>, which
    /// passes <c>alpha: 1</c>, or the tensor operators; as "callee signature at file:line".
    /// </summary>
    public static IReadOnlyList<string> TorchSharpCalleesThatConvert(Assembly assembly, int depth = 3)
    {
        var memo = new Dictionary<MethodBase, bool>();
        var found = new SortedSet<string>(StringComparer.Ordinal);
        using var pdb = OpenPdb(assembly);
        var reader = pdb?.GetMetadataReader();
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in assembly.GetTypes())
            foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
                foreach (var (offset, callee) in Calls(method))
                    if (callee.Module.Assembly == typeof(Scalar).Assembly && !IsImplicitScalar(callee) && Converts(callee, depth, memo))
                        found.Add($"{Line(reader, method, offset)}: {callee.DeclaringType?.Name}.{callee} in {type.Name}.{method.Name}");
        return found.ToList();
    }

    private static bool Converts(MethodBase method, int depth, Dictionary<MethodBase, bool> memo)
    {
        if (memo.TryGetValue(method, out bool known))
            return known;
        memo[method] = false;
        bool result = Calls(method).Any(c => IsImplicitScalar(c.Callee) ||
            (depth > 1 && c.Callee.Module.Assembly == typeof(Scalar).Assembly && Converts(c.Callee, depth - 1, memo)));
        memo[method] = result;
        return result;
    }

    private static bool IsImplicitScalar(MethodBase m) => m.Name == "op_Implicit" && m.DeclaringType == typeof(Scalar);

    private static IEnumerable<int> ImplicitScalarCallOffsets(MethodBase method) =>
        Calls(method).Where(c => IsImplicitScalar(c.Callee)).Select(c => c.Offset);

    private static IEnumerable<(int Offset, MethodBase Callee)> Calls(MethodBase method)
    {
        var il = GetIL(method);
        if (il is null)
            yield break;
        int i = 0;
        while (i < il.Length)
        {
            int start = i;
            short value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            i += il[i] == 0xFE ? 2 : 1;
            var op = s_opCodes[value];
            if (op.OperandType == OperandType.InlineMethod)
            {
                int token = BitConverter.ToInt32(il, i);
                if (Resolve(method, token) is { } callee)
                    yield return (start, callee);
            }
            i += op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, i),
                _ => 4,
            };
        }
    }

    private static byte[]? GetIL(MethodBase method)
    {
        try
        {
            return method.GetMethodBody()?.GetILAsByteArray();
        }
        catch (Exception e) when (e is InvalidOperationException or BadImageFormatException or NotSupportedException)
        {
            return null;
        }
    }

    private static MethodBase? Resolve(MethodBase method, int token)
    {
        try
        {
            var typeArgs = method.DeclaringType is { IsGenericType: true } t ? t.GetGenericArguments() : null;
            var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
            return method.Module.ResolveMethod(token, typeArgs, methodArgs);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static MetadataReaderProvider? OpenPdb(Assembly assembly)
    {
        var path = Path.ChangeExtension(assembly.Location, ".pdb");
        return File.Exists(path) ? MetadataReaderProvider.FromPortablePdbStream(File.OpenRead(path)) : null;
    }

    private static string Line(MetadataReader? pdb, MethodBase method, int offset)
    {
        if (pdb is null)
            return $"IL_{offset:X4}";
        var handle = MetadataTokens.MethodDefinitionHandle(method.MetadataToken & 0xFFFFFF).ToDebugInformationHandle();
        var points = pdb.GetMethodDebugInformation(handle).GetSequencePoints()
            .Where(p => !p.IsHidden && p.Offset <= offset)
            .ToList();
        if (points.Count == 0)
            return $"IL_{offset:X4}";
        var point = points.MaxBy(p => p.Offset);
        var file = pdb.GetString(pdb.GetDocument(point.Document).Name);
        return $"{Path.GetFileName(file)}:{point.StartLine}";
    }
}
