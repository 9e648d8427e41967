using System.Text.Json;

namespace MLExtensions.Tests.Schedules;

/// <summary>The schedule golden files (TestData/Golden/schedules): each holds named <c>cases</c>.</summary>
internal static class ScheduleGolden
{
    /// <summary>The root object of <paramref name="file"/>.</summary>
    public static JsonElement Load(string file) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "Golden", "schedules", file))).RootElement;

    /// <summary>The case names of <paramref name="golden"/>, as MSTest data rows.</summary>
    public static IEnumerable<object[]> CaseNames(JsonElement golden) =>
        golden.GetProperty("cases").EnumerateObject().Select(c => new object[] { c.Name });
}
