using Microsoft.ML.Data;

namespace QuickStart;

/// <summary>One customer of the telco churn data (Samples/Data/wa_churn, see its README).</summary>
public sealed class ChurnRow
{
    [LoadColumn(0)] public bool Churn { get; set; }
    [LoadColumn(1)] public float Female { get; set; }
    [LoadColumn(2)] public float SeniorCitizen { get; set; }
    [LoadColumn(3)] public float Partner { get; set; }
    [LoadColumn(4)] public float Dependents { get; set; }
    [LoadColumn(5)] public float Tenure { get; set; }
    [LoadColumn(6)] public float PhoneService { get; set; }
    [LoadColumn(7)] public string MultipleLines { get; set; } = "";
    [LoadColumn(8)] public string InternetService { get; set; } = "";
    [LoadColumn(9)] public string OnlineSecurity { get; set; } = "";
    [LoadColumn(10)] public string OnlineBackup { get; set; } = "";
    [LoadColumn(11)] public string DeviceProtection { get; set; } = "";
    [LoadColumn(12)] public string TechSupport { get; set; } = "";
    [LoadColumn(13)] public string StreamingTv { get; set; } = "";
    [LoadColumn(14)] public string StreamingMovies { get; set; } = "";
    [LoadColumn(15)] public string Contract { get; set; } = "";
    [LoadColumn(16)] public float PaperlessBilling { get; set; }
    [LoadColumn(17)] public string PaymentMethod { get; set; } = "";
    [LoadColumn(18)] public float MonthlyCharges { get; set; }
    [LoadColumn(19)] public float TotalCharges { get; set; }
}

/// <summary>What the pipeline predicts for one customer.</summary>
public sealed class ChurnPrediction
{
    public bool PredictedLabel { get; set; }
    public float Probability { get; set; }
    public float Score { get; set; }
}
