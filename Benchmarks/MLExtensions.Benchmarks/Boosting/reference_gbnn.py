"""The authors' GBNN (GAA-UAM/GBNN gbnn/GBNN.py) on the data of `-- gbnn`, for comparison with our trainers.

Usage (Debian 12: apt-get install python3-sklearn python3-pandas; the gbnn package is not vendored here):
    PYTHONPATH=<folder holding the gbnn package> /usr/bin/python3 reference_gbnn.py [data root, default ../shared/data]
Same files, same standardization (mean/variance of the training rows), same metrics as GbnnBenchmark.cs.
"""
import sys, time, warnings
import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score, accuracy_score, mean_squared_error
from sklearn.preprocessing import StandardScaler
from gbnn import GNEGNEClassifier, GNEGNERegressor

warnings.filterwarnings("ignore")
root = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"

def load(name, label):
    tr, te = pd.read_csv(f"{root}/{name}/train.csv"), pd.read_csv(f"{root}/{name}/test.csv")
    return tr.drop(columns=[label]), tr[label].values, te.drop(columns=[label]), te[label].values

def diamonds():
    cuts = ["Fair", "Good", "Very Good", "Premium", "Ideal"]; colors = ["J", "I", "H", "G", "F", "E", "D"]
    clarities = ["I1", "SI2", "SI1", "VS2", "VS1", "VVS2", "VVS1", "IF"]
    def features(df):
        return np.column_stack([df.carat, np.log(df.carat), df.cut.map(cuts.index), df.color.map(colors.index),
                                df.clarity.map(clarities.index), df.depth, df.table, df.x, df.y, df.z]).astype(np.float32)
    tr, te = pd.read_csv(f"{root}/diamonds/train.csv"), pd.read_csv(f"{root}/diamonds/test.csv")
    return features(tr), np.log(tr.price.values), features(te), np.log(te.price.values)

print("| data | model | metric | value | fit s |")
print("| --- | --- | --- | --- | --- |")
for name, label, make, metric in [
    ("spam", "type", GNEGNEClassifier, "AUC"),
    ("satellite", "classes", GNEGNEClassifier, "accuracy"),
    ("diamonds", None, GNEGNERegressor, "RMSE"),
]:
    Xtr, ytr, Xte, yte = diamonds() if name == "diamonds" else load(name, label)
    scaler = StandardScaler().fit(Xtr)
    Xtr, Xte = scaler.transform(Xtr), scaler.transform(Xte)
    for title, kw in [("reference GBNN (defaults: 200 units, J=1, eta=1, subsample 0.5)", {}),
                      ("reference GBNN (J=4, eta=0.5, subsample 0.75)", dict(num_nn_step=4, eta=0.5, subsample=0.75))]:
        start = time.time()
        model = make(random_state=1, **kw)
        model.fit(Xtr, ytr)  # the reference's fit returns None
        seconds = time.time() - start
        if metric == "AUC":
            value = roc_auc_score(yte, model.predict_proba(Xte)[:, 1])
        elif metric == "accuracy":
            value = accuracy_score(yte, model.predict(Xte))
        else:
            value = mean_squared_error(yte, model.predict(Xte)) ** 0.5
        print(f"| {name} | {title} | {metric} | {value:.4f} | {seconds:.1f} |", flush=True)
