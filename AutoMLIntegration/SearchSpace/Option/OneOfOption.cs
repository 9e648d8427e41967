namespace MLExtensions.AutoML;

/// <summary>
/// A conditional option (our extension; Microsoft.ML.AutoML has none): a choice among named branches, each with its own
/// nested <see cref="SearchSpace"/>, of which only the chosen branch is active. Its parameter is an object
/// <c>{ "Kind": "&lt;branch&gt;", ...the branch's parameters }</c>. In the feature space it takes one selector coordinate
/// (k = number of branches; branch i has the value i/k) followed by every branch's coordinates in branch order; the
/// coordinates of the branches not selected are inactive: ignored when sampling and NaN when mapping.
/// </summary>
public sealed class OneOfOption : OptionBase
{
    /// <summary>The key of the chosen branch's name in the parameter.</summary>
    public const string KindKey = "Kind";

    private readonly KeyValuePair<string, SearchSpace>[] _branches;
    private readonly int _defaultIndex;

    /// <summary>A one-of over <paramref name="branches"/> (in this order); the default is the first branch.</summary>
    /// <exception cref="ArgumentException">No branches, an empty or repeated name, a null space, or a branch space with a
    /// <c>Kind</c> key.</exception>
    public OneOfOption(params KeyValuePair<string, SearchSpace>[] branches)
        : this(branches, null)
    {
    }

    /// <summary>A one-of over <paramref name="branches"/> (in this order) with a default branch (null: the first).</summary>
    /// <exception cref="ArgumentException">Invalid branches, or a default branch that is not one of them.</exception>
    public OneOfOption(IEnumerable<KeyValuePair<string, SearchSpace>> branches, string? defaultBranch)
    {
        ArgumentNullException.ThrowIfNull(branches);
        _branches = branches.ToArray();
        if (_branches.Length == 0)
        {
            throw new ArgumentException("A one-of option needs at least one branch.", nameof(branches));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, space) in _branches)
        {
            if (string.IsNullOrEmpty(name))
            {
                throw new ArgumentException("Branch names of a one-of option must be non-empty.", nameof(branches));
            }

            if (!seen.Add(name))
            {
                throw new ArgumentException($"The branch name '{name}' appears more than once.", nameof(branches));
            }

            if (space is null)
            {
                throw new ArgumentException($"The search space of branch '{name}' is null; use an empty SearchSpace for a branch without options.", nameof(branches));
            }

            if (space.ContainsKey(KindKey))
            {
                throw new ArgumentException($"The search space of branch '{name}' has a key '{KindKey}', which the one-of option uses for the branch name.", nameof(branches));
            }
        }

        _defaultIndex = 0;
        if (defaultBranch is not null)
        {
            _defaultIndex = Array.FindIndex(_branches, b => b.Key == defaultBranch);
            if (_defaultIndex < 0)
            {
                throw new ArgumentException(
                    $"The default branch '{defaultBranch}' is not one of the branches ({string.Join(", ", BranchNames)}).", nameof(defaultBranch));
            }
        }
    }

    /// <summary>The branches, in feature-space order.</summary>
    public IReadOnlyList<KeyValuePair<string, SearchSpace>> Branches => _branches;

    /// <summary>The branch names, in feature-space order.</summary>
    public IReadOnlyList<string> BranchNames => _branches.Select(b => b.Key).ToArray();

    /// <summary>The default branch's name.</summary>
    public string DefaultBranch => _branches[_defaultIndex].Key;

    /// <summary>1 (the selector) plus the dimensions of every branch.</summary>
    public override int FeatureSpaceDim => 1 + _branches.Sum(b => b.Value.FeatureSpaceDim);

    /// <summary>The default branch's selector value, then every branch's own default.</summary>
    public override double[] Default => [_defaultIndex / (double)_branches.Length, .. _branches.SelectMany(b => b.Value.Default)];

    /// <summary>The branch count for the selector, then every branch's steps.</summary>
    public override int?[] Step => [_branches.Length, .. _branches.SelectMany(b => b.Value.Step)];

    /// <summary>The index of the branch that selector value <paramref name="x"/> chooses.</summary>
    public int BranchIndexAt(double x)
    {
        CheckUnit(x, "a one-of selector");
        return FeatureDimension.ChoiceIndex(x, _branches.Length);
    }

    /// <inheritdoc/>
    public override Parameter SampleFromFeatureSpace(double[] x)
    {
        CheckLength(x, FeatureSpaceDim, nameof(OneOfOption));
        var b = BranchIndexAt(x[0]);
        var offset = 1 + _branches.Take(b).Sum(br => br.Value.FeatureSpaceDim);
        var (name, space) = _branches[b];
        var parameter = space.SampleFromFeatureSpace(x[offset..(offset + space.FeatureSpaceDim)]);
        if (parameter.ContainsKey(KindKey))
        {
            throw new InvalidOperationException($"The search space of branch '{name}' produced a '{KindKey}' key, which the one-of option uses for the branch name.");
        }

        parameter[KindKey] = Parameter.FromString(name);
        return parameter;
    }

    /// <inheritdoc/>
    public override double[] MappingToFeatureSpace(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (parameter.ParameterType != ParameterType.Object || !parameter.TryGetValue(KindKey, out var kind) || kind.ParameterType != ParameterType.String)
        {
            throw new ArgumentException(
                $"A one-of parameter must be an object with a string '{KindKey}' naming the branch ({string.Join(", ", BranchNames)}); got {parameter.ToJson()}.", nameof(parameter));
        }

        var name = kind.AsType<string>();
        var b = Array.FindIndex(_branches, br => br.Key == name);
        if (b < 0)
        {
            throw new ArgumentException($"'{name}' is not one of the branches ({string.Join(", ", BranchNames)}).", nameof(parameter));
        }

        var rest = Parameter.CreateNestedParameter();
        foreach (var (key, child) in parameter)
        {
            if (key != KindKey)
            {
                rest[key] = child;
            }
        }

        var result = new double[FeatureSpaceDim];
        Array.Fill(result, double.NaN);
        result[0] = b / (double)_branches.Length;
        var offset = 1 + _branches.Take(b).Sum(br => br.Value.FeatureSpaceDim);
        _branches[b].Value.MappingToFeatureSpace(rest).CopyTo(result, offset);
        return result;
    }

    internal override Parameter Complete(Parameter? partial, string path)
    {
        var b = _defaultIndex;
        Parameter? rest = null;
        if (partial is not null)
        {
            if (partial.ParameterType != ParameterType.Object)
            {
                throw new ArgumentException(
                    $"'{path}' is a one-of ({string.Join(", ", BranchNames)}): give an object with '{KindKey}' naming the branch and that branch's values; got {partial.ToJson()}.",
                    nameof(partial));
            }

            if (partial.TryGetValue(KindKey, out var kind))
            {
                b = kind.ParameterType == ParameterType.String ? Array.FindIndex(_branches, br => br.Key == kind.AsType<string>()) : -1;
                if (b < 0)
                {
                    throw new ArgumentException($"'{path}.{KindKey}' is {kind.ToJson()}, which is not one of the branches ({string.Join(", ", BranchNames)}).", nameof(partial));
                }
            }

            rest = Parameter.CreateNestedParameter();
            foreach (var (key, child) in partial)
            {
                if (key != KindKey)
                {
                    rest[key] = child;
                }
            }
        }

        var (name, space) = _branches[b];
        var parameter = space.Complete(rest, $"{path}[{name}]");
        parameter[KindKey] = Parameter.FromString(name);
        return parameter;
    }

    internal override void AppendDimensions(string path, List<FeatureDimension> dims, int? parentIndex, int? parentChoice)
    {
        var selector = dims.Count;
        var selectorPath = path.Length == 0 ? KindKey : $"{path}.{KindKey}";
        dims.Add(new FeatureDimension(selectorPath, selector, _branches.Length, parentIndex, parentIndex is null ? null : parentChoice, _defaultIndex / (double)_branches.Length, false));
        for (var b = 0; b < _branches.Length; b++)
        {
            _branches[b].Value.AppendDimensions($"{path}[{_branches[b].Key}]", dims, selector, b);
        }
    }
}
