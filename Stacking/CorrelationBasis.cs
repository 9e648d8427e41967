
namespace MLExtensions;

/// <summary>Which columns the redundancy filter correlates.</summary>
public enum CorrelationBasis
{
    /// <summary>
    /// Residuals y − p (default). Good base models agree with the target and hence with each other: on the diamonds zoo every pair
    /// of raw prediction columns correlates at 0.968 or more, so a 0.95 threshold on predictions keeps one model. Two models are
    /// redundant when they make the same <em>errors</em>, which is what residual correlation measures.
    /// </summary>
    Residuals,

    /// <summary>Raw predictions, as in the paper's code (<c>np.corrcoef(P)</c>).</summary>
    Predictions,
}
