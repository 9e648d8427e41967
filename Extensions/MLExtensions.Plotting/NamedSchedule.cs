namespace MLExtensions;

/// <summary>One schedule of <see cref="TrainingCharts.LearningRateSchedules"/>: a legend name and the spec.</summary>
/// <param name="Name">The legend entry, e.g. <c>"one-cycle"</c>.</param>
/// <param name="Schedule">The schedule spec.</param>
public sealed record NamedSchedule(string Name, LearningRateScheduleSpec Schedule);
