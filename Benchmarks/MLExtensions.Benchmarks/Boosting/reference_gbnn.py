"""The authors' GBNN (GAA-UAM/GBNN gbnn/GBNN.py) on the data of `-- gbnn-reference`, for comparison with our trainers.

Usage (Debian 12: apt-get install python3-sklearn python3-pandas; the gbnn package is not vendored here):
    PYTHONPATH=<folder holding the gbnn package> python3 reference_gbnn.py [--data ROOT] [--only spam,satellite,diamonds]
        [--seeds 1,2,3,4,5] [--units 1 --eta 1 --subsample 0.5] [--json]
    python3 reference_gbnn.py --check      # versions and the BLAS numpy has loaded (threadpoolctl), then exit
Without --units, both settings of the comparison run (J=1, eta=1, subsample 0.5; J=4, eta=0.5, subsample 0.75).
`dotnet run -c Release --project Benchmarks/MLExtensions.Benchmarks -- gbnn-reference` calls this script once per fit (--json).
Same files, same standardization (mean/variance of the training rows), same metrics as GbnnReferenceBenchmark.cs; features
in float64 on every set, as ours. Each seed sets random_state (the step networks' initial weights) and numpy's global generator,
which the reference's subsampling (sklearn's sample_without_replacement without a random_state) draws from. The fit time (wall-clock and
process CPU) covers GNEGNE.fit only; the L-BFGS work is counted by wrapping MLPRegressor._loss_grad_lbfgs (every objective evaluation
scipy's L-BFGS-B asks for) and summing n_iter_ over the step networks.
"""
import argparse, json, os, sys, time, warnings
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import openblas_core  # noqa: E402

openblas_core.name_core()

parser = argparse.ArgumentParser()
parser.add_argument("--data", default="../shared/data")
parser.add_argument("--only", default="spam,satellite,diamonds")
parser.add_argument("--seeds", default="1")
parser.add_argument("--units", type=int)
parser.add_argument("--eta", type=float, default=1.0)
parser.add_argument("--subsample", type=float, default=0.5)
parser.add_argument("--json", action="store_true")
parser.add_argument("--check", action="store_true")
args = parser.parse_args()

import pandas as pd
import sklearn
import threadpoolctl
from sklearn.metrics import roc_auc_score, accuracy_score, mean_squared_error
from sklearn.neural_network import MLPRegressor
from sklearn.preprocessing import StandardScaler
from gbnn import GNEGNEClassifier, GNEGNERegressor

warnings.filterwarnings("ignore")


def blas():
    found = [f"{i['internal_api']} {i.get('version')} ({i['filepath']}, kernels {i.get('architecture')}, threading {i.get('threading_layer')}, "
             f"{i['num_threads']} threads)"
             for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
    return "; ".join(found) or "reference BLAS (netlib: threadpoolctl sees no optimized BLAS)"


if args.check:
    print(f"Python {sys.version.split()[0]}, numpy {np.__version__}, scikit-learn {sklearn.__version__}; BLAS: {blas()}")
    sys.exit(0)

evaluations = [0]
_objective = MLPRegressor._loss_grad_lbfgs


def counted(self, *a, **k):
    if self.max_iter != 2:  # not the full-size network the reference fits for two iterations to hold the assembled model
        evaluations[0] += 1
    return _objective(self, *a, **k)


MLPRegressor._loss_grad_lbfgs = counted
root = args.data


def load(name, label):
    tr, te = pd.read_csv(f"{root}/{name}/train.csv"), pd.read_csv(f"{root}/{name}/test.csv")
    return tr.drop(columns=[label]).values, tr[label].values, te.drop(columns=[label]).values, te[label].values


def diamonds():
    cuts = ["Fair", "Good", "Very Good", "Premium", "Ideal"]; colors = ["J", "I", "H", "G", "F", "E", "D"]
    clarities = ["I1", "SI2", "SI1", "VS2", "VS1", "VVS2", "VVS1", "IF"]
    def features(df):
        # float32 first, as our loader reads them; then float64 like every other set (ours boosts in double precision).
        return np.column_stack([df.carat, np.log(df.carat), df.cut.map(cuts.index), df.color.map(colors.index),
                                df.clarity.map(clarities.index), df.depth, df.table, df.x, df.y, df.z]).astype(np.float32).astype(np.float64)
    tr, te = pd.read_csv(f"{root}/diamonds/train.csv"), pd.read_csv(f"{root}/diamonds/test.csv")
    return features(tr), np.log(tr.price.values), features(te), np.log(te.price.values)


sets = {"spam": ("type", GNEGNEClassifier, "AUC"), "satellite": ("classes", GNEGNEClassifier, "accuracy"),
        "diamonds": (None, GNEGNERegressor, "RMSE")}
settings = [(args.units, args.eta, args.subsample)] if args.units else [(1, 1.0, 0.5), (4, 0.5, 0.75)]
if not args.json:
    print(f"BLAS: {blas()}")
    print("| data | model | seed | metric | value | fit s | fit CPU s | L-BFGS evaluations | iterations |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for name in args.only.split(","):
    label, make, metric = sets[name]
    Xtr, ytr, Xte, yte = diamonds() if name == "diamonds" else load(name, label)
    scaler = StandardScaler().fit(Xtr)
    Xtr, Xte = scaler.transform(Xtr), scaler.transform(Xte)
    for units, eta, subsample in settings:
        for seed in [int(s) for s in args.seeds.split(",")]:
            np.random.seed(seed)  # the subsampling draws from numpy's global generator
            evaluations[0] = 0
            start, cpu = time.time(), time.process_time()
            model = make(random_state=seed, num_nn_step=units, eta=eta, subsample=subsample)
            model.fit(Xtr, ytr)  # the reference's fit returns None
            seconds, cpu_seconds = time.time() - start, time.process_time() - cpu
            work = evaluations[0]
            iterations = sum(m.n_iter_ for m in model.models)
            if metric == "AUC":
                value = roc_auc_score(yte, model.predict_proba(Xte)[:, 1])
            elif metric == "accuracy":
                value = accuracy_score(yte, model.predict(Xte))
            else:
                value = mean_squared_error(yte, model.predict(Xte)) ** 0.5
            if args.json:
                print(json.dumps(dict(data=name, units=units, eta=eta, subsample=subsample, seed=seed, metric=value,
                                      seconds=seconds, cpu_seconds=cpu_seconds, evaluations=work, iterations=iterations)), flush=True)
            else:
                print(f"| {name} | reference GBNN (J={units}, eta={eta}, subsample {subsample}) | {seed} | {metric} | {value:.4f} "
                      f"| {seconds:.2f} | {cpu_seconds:.2f} | {work} | {iterations} |", flush=True)
