namespace MLExtensions.AutoML;

/// <summary>
/// The search space of an options class <typeparamref name="T"/>, built from ML.NET's own attributes on its public
/// instance properties and fields (<c>Range</c>, <c>Choice</c>, <c>BooleanChoice</c>, <c>NestOption</c> from namespace
/// <c>Microsoft.ML.SearchSpace</c> in Microsoft.ML.Core) exactly as Microsoft.ML.AutoML builds it, plus the validation
/// that ML.NET's shipped build compiles out (see <c>AutoMLIntegration/README.md</c>).
/// </summary>
/// <typeparam name="T">The options class.</typeparam>
public sealed class SearchSpace<T> : SearchSpace
    where T : class, new()
{
    /// <summary>The space of <typeparamref name="T"/>'s attributed members; other members keep <c>new T()</c>'s values.</summary>
    /// <exception cref="ArgumentException">An attribute is invalid for its member (the message names the member).</exception>
    public SearchSpace()
        : base(typeof(T), null, () => Parameter.FromObject(new T()))
    {
    }

    /// <summary>The space of <typeparamref name="T"/>'s attributed members; the members of <paramref name="defaultOption"/>
    /// fill every sampled parameter (sampled values win).</summary>
    /// <exception cref="ArgumentException">An attribute is invalid for its member (the message names the member).</exception>
    public SearchSpace(T defaultOption)
        : this(Parameter.FromObject(defaultOption ?? throw new ArgumentNullException(nameof(defaultOption))))
    {
    }

    private SearchSpace(Parameter defaultParameter)
        : base(typeof(T), defaultParameter, () => defaultParameter)
    {
    }

    /// <summary>The options object at feature point <paramref name="x"/>.</summary>
    /// <exception cref="ArgumentException">The point is invalid (see <see cref="SearchSpace.SampleFromFeatureSpace"/>).</exception>
    public new T SampleFromFeatureSpace(double[] x) => base.SampleFromFeatureSpace(x).AsType<T>();

    /// <summary>The feature point of an options object.</summary>
    /// <exception cref="ArgumentException">A searched member's value is outside its option.</exception>
    public double[] MappingToFeatureSpace(T options) =>
        MappingToFeatureSpace(Parameter.FromObject(options ?? throw new ArgumentNullException(nameof(options))));
}
