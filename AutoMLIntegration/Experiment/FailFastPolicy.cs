namespace MLExtensions.AutoML;

/// <summary>When a failed trial ends the experiment (its exception is then rethrown by <c>RunAsync</c>).</summary>
public enum FailFastPolicy
{
    /// <summary>Never: failed trials are recorded and the experiment goes on (the default).</summary>
    Never,

    /// <summary>Only when the first trial fails (usually a pipeline or data error every trial would hit).</summary>
    FirstTrialOnly,

    /// <summary>Whenever a trial fails.</summary>
    Always,
}
