using System.Reflection;
using TorchSharp.Modules;

namespace MLExtensions;

/// <summary>
/// Base of the per-group options of this library's optimizers. Hyperparameters are nullable properties: a group that leaves one
/// <see langword="null"/> inherits the optimizer's default when it is added. Saving, loading and copying cover every
/// hyperparameter property (<see cref="double"/>, <see cref="int"/>, <see cref="bool"/> or enum, nullable) in declaration order.
/// </summary>
public abstract class OptimizerOptionsBase : OptimizerOptions
{
    private PropertyInfo[] Hyperparameters => s_properties.GetOrAdd(GetType(), static t => t
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.DeclaringType != typeof(OptimizerOptions) && p.CanRead && p.CanWrite)
        .OrderBy(p => p.MetadataToken)
        .ToArray());

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, PropertyInfo[]> s_properties = new();

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid hyperparameter (all must be set).</summary>
    public abstract void Validate();

    /// <summary>Sets every hyperparameter that is still <see langword="null"/> (the learning rate included) from <paramref name="defaults"/>.</summary>
    /// <param name="defaults">Options of the same type whose values are all set.</param>
    public void FillFrom(OptimizerOptionsBase defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        if (defaults.GetType() != GetType())
            throw new ArgumentException($"Expected {GetType().Name}, got {defaults.GetType().Name}.", nameof(defaults));
        LearningRate ??= defaults.LearningRate;
        foreach (var p in Hyperparameters)
            if (p.GetValue(this) is null)
                p.SetValue(this, p.GetValue(defaults));
    }

    /// <summary>Returns the value of a hyperparameter that must have been set.</summary>
    /// <exception cref="InvalidOperationException">The value is missing.</exception>
    protected static T Required<T>(T? value, string name) where T : struct =>
        value ?? throw new InvalidOperationException($"Option '{name}' is not set; add the group through the optimizer so it inherits the defaults.");

    /// <summary>
    /// Validates after TorchSharp's <c>IBetas</c>/<c>IMomentum</c> changed a hyperparameter (as its schedulers do with
    /// <c>cycle_momentum</c>); an invalid value is undone by <paramref name="undo"/> and reported. Options of a group not yet
    /// added (values still unset) are checked when the group is added.
    /// </summary>
    /// <param name="undo">Restores the previous values.</param>
    /// <exception cref="ArgumentOutOfRangeException">The new value is invalid; <c>ParamName</c> is the option.</exception>
    internal void ValidateExternalChange(Action undo)
    {
        if (LearningRate is null || Hyperparameters.Any(p => p.GetValue(this) is null)) return;
        try
        {
            Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            undo();
            var reason = e.Message.Split(" (Parameter", 2)[0];
            throw new ArgumentOutOfRangeException(e.ParamName, e.ActualValue,
                $"{reason} The value was set through TorchSharp's IBetas/IMomentum, as its schedulers do with cycle_momentum; the previous value is kept. " +
                "TorchSharp 0.107's CyclicLR moves the momentum above max_momentum: use MLExtensions' CyclicSchedule (it matches PyTorch) or cycle_momentum: false.");
        }
    }

    /// <inheritdoc />
    public override void SaveStateDict(BinaryWriter writer)
    {
        base.SaveStateDict(writer);
        foreach (var p in Hyperparameters)
        {
            object? value = p.GetValue(this);
            writer.Write(value is not null);
            switch (value)
            {
                case null: break;
                case double d: writer.Write(d); break;
                case int i: writer.Write(i); break;
                case bool b: writer.Write(b); break;
                case Enum e: writer.Write(Convert.ToInt32(e, System.Globalization.CultureInfo.InvariantCulture)); break;
                default: throw new NotSupportedException($"Option type {p.PropertyType} is not supported.");
            }
        }
    }

    /// <inheritdoc />
    public override void LoadStateDict(BinaryReader reader)
    {
        base.LoadStateDict(reader);
        foreach (var p in Hyperparameters)
        {
            if (!reader.ReadBoolean())
            {
                p.SetValue(this, null);
                continue;
            }
            var type = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            object value = type == typeof(double) ? reader.ReadDouble()
                : type == typeof(int) ? reader.ReadInt32()
                : type == typeof(bool) ? reader.ReadBoolean()
                : type.IsEnum ? Enum.ToObject(type, reader.ReadInt32())
                : throw new NotSupportedException($"Option type {p.PropertyType} is not supported.");
            p.SetValue(this, value);
        }
    }

    /// <inheritdoc />
    public override void LoadStateDict(OptimizerOptions source)
    {
        base.LoadStateDict(source);
        if (source.GetType() != GetType())
            throw new ArgumentException($"Expected {GetType().Name}, got {source.GetType().Name}.", nameof(source));
        foreach (var p in Hyperparameters)
            p.SetValue(this, p.GetValue(source));
    }
}
