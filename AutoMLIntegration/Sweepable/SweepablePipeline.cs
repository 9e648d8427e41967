using Microsoft.ML;

namespace MLExtensions.AutoML;

/// <summary>
/// A pipeline of stages, each a one-of among sweepable estimators (ML.NET AutoML's <c>SweepablePipeline</c>): estimators
/// get the ids <c>e0, e1, …</c> in order of addition, and every choice of one estimator per stage is a schema such as
/// <c>"e0 * e2"</c>. Unlike ML.NET, where all estimators' dimensions are sampled in every trial beside a <c>_SCHEMA_</c>
/// choice, the space is conditional: <see cref="SearchSpace"/> is <c>{ "_SCHEMA_": OneOf(schema → { "e0": …, "e2": … }) }</c>,
/// so only the chosen schema's estimators are active, and each schema has its own copy of a shared stage's dimensions
/// (as ML.NET's ECI tuner keeps one CFO per schema). A parameter looks like
/// <c>{ "_SCHEMA_": { "Kind": "e0 * e2", "e0": {…}, "e2": {…} } }</c>.
/// </summary>
public sealed class SweepablePipeline
{
    /// <summary>The key of the schema one-of in <see cref="SearchSpace"/>.</summary>
    public const string SchemaKey = "_SCHEMA_";

    private readonly List<SweepableEstimator[]> _stages = [];
    private readonly List<SweepableEstimator> _estimators = [];

    /// <summary>The estimators by id (<c>e0</c>, <c>e1</c>, …), in order of addition.</summary>
    public IReadOnlyDictionary<string, SweepableEstimator> Estimators =>
        _estimators.Select((e, i) => KeyValuePair.Create(Id(i), e)).ToDictionary();

    /// <summary>Every schema (one estimator id per stage, joined by <c>" * "</c>), in feature-space order.</summary>
    public IReadOnlyList<string> Schemas
    {
        get
        {
            IEnumerable<List<int>> combos = [[]];
            var offset = 0;
            foreach (var stage in _stages)
            {
                var start = offset;
                combos = combos.SelectMany(c => Enumerable.Range(start, stage.Length).Select(i => new List<int>(c) { i })).ToList();
                offset += stage.Length;
            }

            return _stages.Count == 0 ? [] : combos.Select(c => string.Join(" * ", c.Select(Id))).ToList();
        }
    }

    /// <summary>Appends a stage that is one of <paramref name="oneOf"/> (one estimator: a fixed stage).</summary>
    /// <exception cref="ArgumentException">No estimators, or a null one.</exception>
    public SweepablePipeline Append(params SweepableEstimator[] oneOf)
    {
        ArgumentNullException.ThrowIfNull(oneOf);
        if (oneOf.Length == 0 || oneOf.Any(e => e is null))
        {
            throw new ArgumentException("A stage needs at least one sweepable estimator and no nulls.", nameof(oneOf));
        }

        _stages.Add([.. oneOf]);
        _estimators.AddRange(oneOf);
        return this;
    }

    /// <summary>Appends a fixed estimator without hyperparameters (e.g. a featurizer).</summary>
    /// <param name="estimator">The estimator.</param>
    /// <param name="name">The display name; null: the estimator's type name (without a generic arity suffix).</param>
    /// <param name="costPrior">Its relative cost (SDCA = 1). Default 0: negligible beside the trainers, as a featurizer
    /// usually is; null: unknown.</param>
    public SweepablePipeline Append(IEstimator<ITransformer> estimator, string? name = null, double? costPrior = 0)
    {
        ArgumentNullException.ThrowIfNull(estimator);
        return Append(new SweepableEstimator((_, _) => estimator, null, name ?? DisplayName(estimator.GetType()), costPrior));
    }

    /// <summary>A type's name without the generic arity suffix (<c>EstimatorChain</c>, not <c>EstimatorChain`1</c>).</summary>
    private static string DisplayName(Type type)
    {
        var tick = type.Name.IndexOf('`', StringComparison.Ordinal);
        return tick < 0 ? type.Name : type.Name[..tick];
    }

    /// <summary>The conditional space: a one-of over <see cref="Schemas"/>, each branch holding its estimators' spaces.</summary>
    /// <exception cref="InvalidOperationException">The pipeline has no stage.</exception>
    public SearchSpace SearchSpace
    {
        get
        {
            var schemas = Schemas;
            if (schemas.Count == 0)
            {
                throw new InvalidOperationException("The sweepable pipeline has no stage; Append estimators first.");
            }

            var branches = schemas.Select(schema => new KeyValuePair<string, SearchSpace>(
                schema, new SearchSpace(IdsOf(schema).Select(id => new KeyValuePair<string, OptionBase>(id, _estimators[Index(id)].SearchSpace)))));
            return new SearchSpace { [SchemaKey] = new OneOfOption(branches, null) };
        }
    }

    /// <summary>The schema's estimators chained (<c>Append</c>) with their parameters.</summary>
    /// <exception cref="ArgumentException">The parameter has no schema, names an unknown one, or lacks an estimator's parameter.</exception>
    public IEstimator<ITransformer> BuildFromOption(MLContext context, Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (ids, branch) = SchemaOf(parameter);
        IEstimator<ITransformer>? chain = null;
        foreach (var id in ids)
        {
            var estimator = _estimators[Index(id)].BuildFromOption(context, branch.TryGetValue(id, out var p) ? p : Parameter.CreateNestedParameter());
            chain = chain is null ? estimator : chain.Append(estimator);
        }

        return chain!;
    }

    /// <summary>The schema's estimator names joined by <c>"=&gt;"</c>, e.g. <c>"Concatenate=&gt;FastTreeBinary"</c>.</summary>
    public string ToString(Parameter parameter) => string.Join("=>", SchemaOf(parameter).Ids.Select(id => _estimators[Index(id)].Name));

    /// <summary>The cost prior of the schema in <paramref name="parameter"/>: the sum of its estimators' priors; null
    /// (unknown) when one of them is unknown.</summary>
    public double? CostPriorOf(Parameter parameter) => SumOfPriors(SchemaOf(parameter).Ids);

    /// <summary>The cost prior of a schema string such as <c>"e0 * e2"</c>; null when one of its estimators' is unknown.</summary>
    public double? CostPriorOf(string schema) => SumOfPriors(IdsOf(schema));

    private double? SumOfPriors(IEnumerable<string> ids)
    {
        double sum = 0;
        foreach (var id in ids)
        {
            if (_estimators[Index(id)].CostPrior is not { } prior)
            {
                return null;
            }

            sum += prior;
        }

        return sum;
    }

    private (string[] Ids, Parameter Branch) SchemaOf(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (!parameter.TryGetValue(SchemaKey, out var branch) || !branch.TryGetValue(OneOfOption.KindKey, out var kind) || kind.ParameterType != ParameterType.String)
        {
            throw new ArgumentException($"A pipeline parameter is {{ \"{SchemaKey}\": {{ \"{OneOfOption.KindKey}\": \"e0 * …\", … }} }}; got {parameter.ToJson()}.", nameof(parameter));
        }

        var schema = kind.AsType<string>();
        if (!Schemas.Contains(schema))
        {
            throw new ArgumentException($"Unknown schema '{schema}'; the pipeline's schemas are: {string.Join(", ", Schemas)}.", nameof(parameter));
        }

        return (IdsOf(schema), branch);
    }

    private static string[] IdsOf(string schema) => schema.Split(" * ");

    private static string Id(int index) => "e" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private int Index(string id) =>
        id.Length > 1 && id[0] == 'e' && int.TryParse(id.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture, out var i) && i < _estimators.Count
            ? i
            : throw new ArgumentException($"Unknown estimator id '{id}'; ids are e0..e{_estimators.Count - 1}.", nameof(id));
}
