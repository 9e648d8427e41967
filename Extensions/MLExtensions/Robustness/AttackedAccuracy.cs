namespace MLExtensions;

/// <summary>The accuracy of a classifier under one attack.</summary>
/// <param name="AttackName">The attack's <see cref="AdversarialAttack.Name"/>.</param>
/// <param name="Accuracy">The fraction of rows still classified correctly at their attacked points (a row wrong at its clean point counts
/// as wrong).</param>
public sealed record AttackedAccuracy(string AttackName, double Accuracy);
