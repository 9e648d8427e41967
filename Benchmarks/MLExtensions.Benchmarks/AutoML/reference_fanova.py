"""Optuna's fANOVA on a table written by `automl-importance`: prints one JSON line with the seconds and the importances.

Usage: python3 reference_fanova.py TABLE.json   (needs optuna and scikit-learn; Debian: python3-optuna, python3-sklearn)
"""
import json
import sys
import time

import numpy as np
import optuna
from optuna.importance._fanova._fanova import _Fanova


def main():
    table = json.load(open(sys.argv[1]))
    X = np.asarray(table["X"], dtype=float)
    y = np.asarray(table["y"], dtype=float)
    groups = [np.asarray(g) for g in table["groups"]]
    seconds = []
    for seed in range(table["repeat"]):
        start = time.perf_counter()
        f = _Fanova(n_trees=64, max_depth=64, min_samples_split=2, min_samples_leaf=1, seed=seed)
        f.fit(X=X, y=y, search_spaces=np.asarray([[0.0, 1.0]] * X.shape[1]), column_to_encoded_columns=groups)
        m = np.array([f.get_importance(i)[0] for i in range(len(groups))])
        seconds.append(time.perf_counter() - start)
    print(json.dumps({"optuna": optuna.__version__, "seconds": seconds, "importance": (m / m.sum()).tolist()}))


if __name__ == "__main__":
    main()
