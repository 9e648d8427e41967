namespace MLExtensions;

/// <summary>Clean and attacked accuracy of a classifier on a data set (from <c>EvaluateUnderAttack</c>).</summary>
/// <param name="RowCount">Rows evaluated.</param>
/// <param name="CleanAccuracy">The fraction of rows classified correctly as they are.</param>
/// <param name="Attacks">The accuracy under each attack, in the order given.</param>
/// <param name="WorstCaseAccuracy">The fraction of rows classified correctly under every attack (the per-row worst case of the
/// ensemble, as AutoAttack reports it); at most each attack's accuracy.</param>
public sealed record RobustnessMetrics(long RowCount, double CleanAccuracy, IReadOnlyList<AttackedAccuracy> Attacks, double WorstCaseAccuracy);
