"""Reference values of GBNN from the authors' implementation (GAA-UAM/GBNN, gbnn/GBNN.py), for MLExtensions' tests.

Usage (Debian 12: apt-get install python3-sklearn; the GBNN package is not vendored here):
    PYTHONPATH=<folder holding the gbnn package> /usr/bin/python3 make_gbnn_reference.py > gbnn_reference.json

For each task a small seeded problem is boosted with subsample = 1 (the reference draws subsamples from the global NumPy
generator, so only full sampling is reproducible). Stored per step: the step network's weights in PyTorch's layout, the step
length rho, and the step network's outputs on every row; plus F0, the final raw scores (_decision_function), the probabilities
and the assembled single network (to_NN). The per-step L-BFGS fit itself is not compared (our L-BFGS is our own); everything
around it (initial score, residuals, Newton steps, staged sums, assembly) is.
"""
import json, sys
import numpy as np
from gbnn import GNEGNEClassifier, GNEGNERegressor

def problem(task, seed, n=80, d=4, k=3):
    rng = np.random.default_rng(seed)
    X = np.round(rng.normal(size=(n, d)), 6)
    z = X[:, 0] - 0.5 * X[:, 1] ** 2 + 0.3 * X[:, 2] * X[:, 3]
    if task == "regression":
        y = np.round(3 + 2 * z + 0.1 * rng.normal(size=n), 6)
    elif task == "binary":
        y = (z + 0.3 * rng.normal(size=n) > 0).astype(int)
    else:
        y = np.digitize(z + 0.3 * rng.normal(size=n), np.quantile(z, [1 / 3, 2 / 3]))
    return X, y

cases = []
for task, model in [("regression", GNEGNERegressor(total_nn=8, num_nn_step=2, eta=0.5, subsample=1.0, max_iter=50, random_state=3)),
                    ("binary", GNEGNEClassifier(total_nn=8, num_nn_step=2, eta=0.5, subsample=1.0, max_iter=50, random_state=3)),
                    ("multiclass", GNEGNEClassifier(total_nn=9, num_nn_step=3, eta=0.5, subsample=1.0, max_iter=50, random_state=3))]:
    X, y = problem(task, {"regression": 1, "binary": 2, "multiclass": 3}[task])
    model.fit(X, y)
    steps = []
    for rr, rho in zip(model.models, model.steps):
        h = rr.predict(X)
        steps.append({
            "hidden_weights": rr.coefs_[0].T.ravel().tolist(), "hidden_bias": rr.intercepts_[0].tolist(),
            "output_weights": rr.coefs_[1].T.ravel().tolist(), "output_bias": rr.intercepts_[1].tolist(),
            "rho": float(rho), "outputs": np.asarray(h).reshape(len(y), -1).ravel().tolist(),
        })
    nn = model.to_NN()
    case = {"task": task, "X": X.tolist(), "y": np.asarray(y).tolist(), "eta": model.eta, "units_per_step": model.num_nn_step,
            "initial_score": np.atleast_1d(model.intercept).tolist(), "steps": steps,
            "decision_function": np.asarray(model._decision_function(X)).reshape(len(y), -1).ravel().tolist(),
            "losses": [float(v) for v in model.losses],
            "assembled": {"hidden_weights": nn.coefs_[0].T.ravel().tolist(), "hidden_bias": nn.intercepts_[0].tolist(),
                          "output_weights": nn.coefs_[1].T.ravel().tolist(), "output_bias": nn.intercepts_[1].tolist()}}
    if task != "regression":
        case["probabilities"] = model.predict_proba(X).ravel().tolist()
    cases.append(case)
json.dump({"generator": "make_gbnn_reference.py", "reference": "GAA-UAM/GBNN gbnn/GBNN.py @ b0b4cfa",
           "sklearn": __import__("sklearn").__version__, "numpy": np.__version__, "cases": cases}, sys.stdout, indent=1)
