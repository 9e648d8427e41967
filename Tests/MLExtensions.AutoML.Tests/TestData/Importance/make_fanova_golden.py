"""Golden values for MLExtensions.AutoML's parameter importances (fanova_golden.json).

- "fanova": Optuna 3.1's fANOVA (optuna.importance._fanova._Fanova over scikit-learn 1.2.1 RandomForestRegressor trees) on
  synthetic trial tables. Each case stores the forest's trees (sklearn's node arrays), the search-space bounds of the encoded
  columns, the columns of each parameter (a categorical's one-hot columns together), each tree's total variance, each
  parameter's marginal variance per tree, and Optuna's importance (mean and standard deviation of the variance fractions over
  the trees whose variance is above zero). The C# side recomputes the fractions from the same trees.
- "forest": Optuna's normalized importances (64 trees) on one encoded trial table, mean and spread over ten forest seeds.
- "cart": scikit-learn DecisionTreeRegressor (all features, no bootstrap) on continuous data without ties, whose tree is
  unique: the C# regression tree must grow the same nodes (preorder) with the same thresholds and values.

Run with a private Python that has Debian's python3-optuna 3.1.0 and python3-sklearn 1.2.1 (unpacked with dpkg -x, never
installed on a machine that runs TorchSharp): /tmp/pytorch-openblas make_fanova_golden.py > fanova_golden.json
"""
import json
import sys

import numpy as np
import optuna
import sklearn
from optuna.importance._fanova._fanova import _Fanova
from sklearn.tree import DecisionTreeRegressor


def tree_json(t):
    return {"feature": t.feature.tolist(), "threshold": t.threshold.tolist(), "left": t.children_left.tolist(),
            "right": t.children_right.tolist(), "value": t.value.reshape(-1).tolist()}


def fanova_case(X, y, bounds, groups, n_trees, max_depth, seed):
    f = _Fanova(n_trees=n_trees, max_depth=max_depth, min_samples_split=2, min_samples_leaf=1, seed=seed)
    f.fit(X=X, y=y, search_spaces=np.asarray(bounds, dtype=float), column_to_encoded_columns=[np.asarray(g) for g in groups])
    importance = [f.get_importance(i) for i in range(len(groups))]
    return {"bounds": bounds, "groups": groups, "trees": [tree_json(e.tree_) for e in f._forest.estimators_],
            "tree_variance": [float(t.variance) for t in f._trees],
            "marginal_variance": [f._variances[i].tolist() for i in range(len(groups))],
            "importance_mean": [m for m, _ in importance], "importance_std": [s for _, s in importance]}


def main():
    rng = np.random.RandomState(20261203)
    cases = {}

    # Three continuous parameters: a strong linear one, a weaker quadratic one, one without effect.
    X = rng.uniform(0, 1, size=(40, 3))
    y = 5 * X[:, 0] + 2 * (X[:, 1] - 0.5) ** 2 + 0.05 * rng.normal(size=40)
    cases["continuous"] = fanova_case(X, y, [[0, 1]] * 3, [[0], [1], [2]], 16, 64, 1)

    # An interaction only: x0 * x1 (each also has a main effect on [0, 1]), and bounds other than [0, 1].
    X = np.column_stack([rng.uniform(-2, 3, 30), rng.uniform(10, 20, 30)])
    y = X[:, 0] * (X[:, 1] - 15)
    cases["interaction"] = fanova_case(X, y, [[-2, 3], [10, 20]], [[0], [1]], 12, 64, 7)

    # A categorical of three choices (one-hot columns 1-3) beside a continuous column.
    choice = rng.randint(0, 3, 36)
    onehot = np.eye(3)[choice]
    x = rng.uniform(0, 1, 36)
    y = np.array([0.0, 1.5, 0.2])[choice] + 0.5 * x + 0.05 * rng.normal(size=36)
    cases["categorical"] = fanova_case(np.column_stack([x, onehot]), y, [[0, 1]] * 4, [[0], [1, 2, 3]], 16, 64, 3)

    # Few trials and shallow trees.
    X = rng.uniform(0, 1, size=(6, 2))
    y = rng.normal(size=6)
    cases["few_shallow"] = fanova_case(X, y, [[0, 1]] * 2, [[0], [1]], 8, 2, 11)

    # The whole evaluator: 64 trees (Optuna's default) over two continuous parameters and a choice of three, one-hot; Optuna's
    # normalized importances for ten forest seeds, to compare another forest's (MLExtensions' bootstrap draws differ).
    choice = rng.randint(0, 3, 50)
    X = np.column_stack([rng.uniform(0, 1, size=(50, 2)), np.eye(3)[choice]])
    y = 3 * X[:, 0] + 0.3 * np.sin(6 * X[:, 1]) + np.array([0.0, 0.8, 0.4])[choice] + 0.05 * rng.normal(size=50)
    groups = [[0], [1], [2, 3, 4]]
    runs = []
    for seed in range(10):
        f = _Fanova(n_trees=64, max_depth=64, min_samples_split=2, min_samples_leaf=1, seed=seed)
        f.fit(X=X, y=y, search_spaces=np.asarray([[0, 1]] * 5, dtype=float), column_to_encoded_columns=[np.asarray(g) for g in groups])
        m = np.array([f.get_importance(i)[0] for i in range(3)])
        runs.append((m / m.sum()).tolist())
    runs = np.asarray(runs)
    forest = {"X": X.tolist(), "y": y.tolist(), "groups": groups, "importance_mean": runs.mean(axis=0).tolist(),
              "importance_std": runs.std(axis=0).tolist()}

    carts = {}
    for name, (n, d, depth) in {"deep": (25, 3, None), "depth3": (40, 4, 3), "one_feature": (12, 1, None)}.items():
        X = rng.uniform(0, 1, size=(n, d))
        y = np.sin(3 * X[:, 0]) + (X[:, 1] if d > 1 else 0) + 0.1 * rng.normal(size=n)
        t = DecisionTreeRegressor(max_depth=depth, random_state=5).fit(X, y).tree_
        carts[name] = {"X": X.tolist(), "y": y.tolist(), "max_depth": depth, "tree": tree_json(t)}

    json.dump({"source": f"optuna {optuna.__version__}, scikit-learn {sklearn.__version__} (make_fanova_golden.py)",
               "fanova": cases, "forest": forest, "cart": carts}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
