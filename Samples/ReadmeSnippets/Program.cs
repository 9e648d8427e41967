// The C# blocks of README.md and of the PACKAGE.md files, run on small data so that they cannot drift from the API: each block
// stands verbatim in a file of this folder (Tests/MLExtensions.Tests/Build/ReadmeSnippetTests checks it), with only the usings it
// shows. This harness gives the blocks the variables they use (train, test, numericColumns, features, model, ...).
// Usage: dotnet run --project Samples/ReadmeSnippets [-- --data <folder with train.csv and test.csv>] [--rows N (300)]
//        [--output <folder to keep model.zip and the charts in; without it they go to a temporary folder, deleted at the end>]
// The AutoML package block (40 trials) is compiled, not run; the README's AutoML block is Samples/AutoMLSample's, run by CI.
using Microsoft.ML;
using Microsoft.ML.Data;
using MLExtensions;
using QuickStart;
using ReadmeSnippets;

string dataDir = Option("--data") ?? Path.Combine(AppContext.BaseDirectory, "Data", "wa_churn");
int rows = int.Parse(Option("--rows") ?? "300", System.Globalization.CultureInfo.InvariantCulture);
string? keep = Option("--output");
string output = Path.GetFullPath(keep ?? Path.Combine(Path.GetTempPath(), $"mlextensions-readme-snippets-{Environment.ProcessId}"));
Directory.CreateDirectory(output);
// The blocks write model.zip and charts to the current folder.
Environment.CurrentDirectory = output;

var ml = new MLContext(seed: 1);
var loader = new TextLoader.Options { HasHeader = true, Separators = [','], MissingRealsAsNaNs = true };
// Churn with the label under ML.NET's default name; the 11 rows without TotalCharges are dropped (the block does not impute).
IDataView Churn(string file)
{
    var raw = ml.Data.TakeRows(ml.Data.LoadFromTextFile<ChurnRow>(Path.Combine(dataDir, file), loader), rows);
    return ml.Data.FilterRowsByMissingValues(ml.Transforms.CopyColumns("Label", "Churn").Fit(raw).Transform(raw), "TotalCharges");
}

string[] numericColumns = ["Female", "SeniorCitizen", "Partner", "Dependents", "Tenure", "PhoneService", "PaperlessBilling",
                           "MonthlyCharges", "TotalCharges"];

var network = ReadmeQuickStart.Run(Churn("train.csv"), Churn("test.csv"), numericColumns);
PlottingPackage.Run(network);

var customers = Customer.Generate(rows, seed: 2);
var customerData = ml.Data.LoadFromEnumerable(customers);
ReadmeGbnn.Run(ml, customerData, customers[0].Features);

MLExtensionsPackage.Run(ml.Data.LoadFromEnumerable(Applicant.Generate(rows, seed: 3)));

var customerModel = ml.BinaryClassification.Trainers.NeuralNetwork(new NeuralNetworkBinaryTrainer.Options { Epochs = 10, Seed = 1 })
    .Fit(customerData);
ReadmeSaving.Run(ml, customerModel, customerData, customers[0]);
RuntimePackage.Run(customers[0]);

StackingPackage.Run(ml.Data.LoadFromEnumerable(HouseRow.Generate(rows, seed: 4)));

Environment.CurrentDirectory = AppContext.BaseDirectory;
if (keep is null) Directory.Delete(output, recursive: true);
Console.WriteLine(keep is null ? "ReadmeSnippets: OK" : $"ReadmeSnippets: OK (outputs in {output})");

string? Option(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
