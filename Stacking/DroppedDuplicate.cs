
namespace MLExtensions;

/// <summary>A model dropped by the redundancy projection because of an already-kept twin.</summary>
/// <param name="Model">Index of the dropped model.</param>
/// <param name="KeptTwin">Index of the kept model it duplicates.</param>
public sealed record DroppedDuplicate(int Model, int KeptTwin);
