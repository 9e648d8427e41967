"""Reference values of GBNN from the authors' implementation (GAA-UAM/GBNN, gbnn/GBNN.py), for MLExtensions' tests.

Usage (Debian 12: apt-get install python3-sklearn; the GBNN package is not vendored here):
    PYTHONPATH=<folder holding the gbnn package> /usr/bin/python3 make_gbnn_reference.py > gbnn_reference.json
    PYTHONPATH=<folder holding the gbnn package> /usr/bin/python3 make_gbnn_reference.py --fuzz > gbnn_reference_fuzz.json
With --fuzz: 12 random cases (4 per task) named <task>_fuzz<k>: 40-160 rows, 2-8 features, 3-6 classes, shifted class balance,
J 1-4, 3-6 steps, eta 0.1-1 and the logistic, tanh or relu activation, each drawn at random.

For each task a small seeded problem is boosted with subsample = 1 (the reference draws subsamples from the global NumPy
generator, so only full sampling is reproducible). Stored per step: the step network's weights in PyTorch's layout, the step
length rho, and the step network's outputs on every row; plus F0, the final raw scores (_decision_function), the probabilities
and the assembled single network (to_NN). The per-step L-BFGS fit itself is not compared (our L-BFGS is our own); everything
around it (initial score, residuals, Newton steps, staged sums, assembly) is.
"""
import json, sys, warnings
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from gbnn import GNEGNEClassifier, GNEGNERegressor

def problem(task, seed, n=80, d=4, k=3, shift=0.0):
    rng = np.random.default_rng(seed)
    X = np.round(rng.normal(size=(n, d)), 6)
    z = X[:, 0] - 0.5 * X[:, 1] ** 2 + 0.3 * X[:, 2] * X[:, 3] if d >= 4 else X[:, 0] - 0.5 * X[:, -1] ** 2
    if task == "regression":
        y = np.round(3 + 2 * z + 0.1 * rng.normal(size=n), 6)
    elif task == "binary":
        y = (z + 0.3 * rng.normal(size=n) > shift).astype(int)
    else:
        y = np.digitize(z + 0.3 * rng.normal(size=n), np.quantile(z + shift * X[:, 0], np.arange(1, k) / k))
    return X, y

def fixed():
    for task, model in [("regression", GNEGNERegressor(total_nn=8, num_nn_step=2, eta=0.5, subsample=1.0, max_iter=50, random_state=3)),
                        ("binary", GNEGNEClassifier(total_nn=8, num_nn_step=2, eta=0.5, subsample=1.0, max_iter=50, random_state=3)),
                        ("multiclass", GNEGNEClassifier(total_nn=9, num_nn_step=3, eta=0.5, subsample=1.0, max_iter=50, random_state=3))]:
        X, y = problem(task, {"regression": 1, "binary": 2, "multiclass": 3}[task])
        yield task, task, model, X, y

def fuzz():
    rng = np.random.default_rng(20261202)
    for task in ("regression", "binary", "multiclass"):
        for k in range(4):
            units = int(rng.integers(1, 5))
            settings = dict(total_nn=units * int(rng.integers(3, 7)), num_nn_step=units, eta=float(rng.uniform(0.1, 1.0)), subsample=1.0,
                            max_iter=int(rng.integers(20, 80)), random_state=int(rng.integers(1 << 30)),
                            activation=str(rng.choice(["logistic", "tanh", "relu"])))
            model = (GNEGNERegressor if task == "regression" else GNEGNEClassifier)(**settings)
            X, y = problem(task, int(rng.integers(1 << 30)), n=int(rng.integers(40, 161)), d=int(rng.integers(2, 9)),
                           k=int(rng.integers(3, 7)), shift=float(rng.uniform(-0.8, 0.8)))
            yield f"{task}_fuzz{k}", task, model, X, y

# The step networks stop at max_iter by design (the reference's setting); scikit-learn warns about every one of them.
warnings.simplefilter("ignore", ConvergenceWarning)
cases = []
for name, task, model, X, y in (fuzz() if "--fuzz" in sys.argv else fixed()):
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
    case = {"name": name, "task": task, "activation": model.activation, "X": X.tolist(), "y": np.asarray(y).tolist(), "eta": model.eta, "units_per_step": model.num_nn_step,
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
