"""Reference solutions for the logistic meta-models (scikit-learn 1.2.1, numpy 1.24.2 from Debian 12's python3-sklearn).

Objective of MLExtensions.Stacking.Linear.LogisticElasticNet: sum_i logloss + alpha*n*(r*|w|_1 + (1-r)/2*|w|^2), i.e.
scikit-learn's LogisticRegression with C = 1/(alpha*n) (intercept unpenalized): newton-cholesky for r=0 (lbfgs stops
about 1e-5 short, its ftol is fixed), saga otherwise. Every fit's optimality (KKT) conditions are checked and the script aborts
if any is violated by more than 1e-7 (saga's intercept stalls when every coefficient is zero, so the grid avoids such
strengths for L1).
Run:  /usr/bin/python3 make_sklearn_logistic.py > sklearn_logistic.json
      /usr/bin/python3 make_sklearn_logistic.py --fuzz > sklearn_logistic_fuzz.json   (6 random problems: rows, columns,
      shared noise, class balance and column scales drawn at random; same protocol)
"""
import json, sys, warnings
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import log_loss

warnings.filterwarnings("error")  # a ConvergenceWarning must not go unnoticed

def problem(name, n, p, shared, seed, offset=0.0):
    rng = np.random.default_rng(seed)
    truth = rng.normal(size=n) * 1.5 + offset
    y = (rng.random(n) < 1 / (1 + np.exp(-truth))).astype(float)
    common = rng.normal(size=n)
    cols = []
    for k in range(p):
        noise = shared * common + (1 - shared) * rng.normal(size=n)
        logit = truth * (0.6 + 0.1 * k) + (0.4 + 0.15 * k) * noise
        cols.append(1 / (1 + np.exp(-logit)))
    X = np.round(np.column_stack(cols), 6)
    return name, X, y

def kkt_residual(X, y, w, b, alpha, r):
    """Largest violation of the optimality conditions of the objective at (w, b); 0 at the exact optimum."""
    n = len(y)
    l1, l2 = alpha * r * n, alpha * (1 - r) * n
    prob = 1 / (1 + np.exp(-(X @ w + b)))
    g = X.T @ (prob - y) + l2 * w
    violation = np.where(w != 0, np.abs(g + l1 * np.sign(w)), np.maximum(np.abs(g) - l1, 0))
    return max(abs(np.sum(prob - y)), np.max(violation))

def fit(X, y, alpha, r):
    w, b = sklearn_fit(X, y, alpha, r)
    residual = kkt_residual(X, y, w, b, alpha, r)
    if residual > 1e-7:
        raise RuntimeError(f"scikit-learn's solution violates the optimality conditions by {residual} at alpha={alpha}, l1_ratio={r}")
    return w, b

def sklearn_fit(X, y, alpha, r):
    n = X.shape[0]
    C = 1.0 / (alpha * n)
    if r == 0.0:
        m = LogisticRegression(penalty="l2", C=C, solver="newton-cholesky", tol=1e-14, max_iter=1000)
    elif r == 1.0:
        m = LogisticRegression(penalty="l1", C=C, solver="saga", tol=1e-12, max_iter=2000000)
    else:
        m = LogisticRegression(penalty="elasticnet", l1_ratio=r, C=C, solver="saga", tol=1e-12, max_iter=2000000)
    m.fit(X, y)
    return m.coef_[0], m.intercept_[0]

def contiguous_folds(n, k):
    folds = np.empty(n, dtype=int); start = 0
    for f in range(k):
        size = n // k + (1 if f < n % k else 0); folds[start:start + size] = f; start += size
    return folds

alphas = [1e-1, 3e-2, 1e-2, 3e-3, 1e-3, 3e-4, 1e-4]
ratios = [0.0, 0.5, 1.0]
out = {"generator": "make_sklearn_logistic.py", "sklearn": __import__("sklearn").__version__, "numpy": np.__version__, "cases": []}
def random_problems():
    rng = np.random.default_rng(20261202)
    for i in range(6):
        yield problem(f"fuzz{i}", int(rng.integers(80, 401)), int(rng.integers(2, 11)), float(rng.uniform(0.0, 0.95)),
                      int(rng.integers(1 << 30)), offset=float(rng.uniform(-1.5, 1.5)))

problems = list(random_problems()) if "--fuzz" in sys.argv else [problem("small", 300, 4, 0.3, 7), problem("collinear", 240, 8, 0.9, 11)]
for name, X, y in problems:
    case = {"name": name, "X": X.tolist(), "y": y.tolist(), "fits": [], "cv": {}}
    for alpha in [3e-2, 1e-2, 1e-3]:
        for r in ratios:
            w, b = fit(X, y, alpha, r)
            case["fits"].append({"alpha": alpha, "l1_ratio": r, "coef": w.tolist(), "intercept": b})
    # Protocol of the combiner's inner search: scale with the statistics of all rows, then for each l1 ratio and alpha fit on
    # k-1 contiguous folds, pool the held-out log-loss over all rows, pick the best (alpha, ratio), refit on all rows.
    k = 3
    folds = contiguous_folds(len(y), k)
    scaler = StandardScaler().fit(X)
    Xs = scaler.transform(X)
    path = np.zeros((len(ratios), len(alphas)))
    for ri, r in enumerate(ratios):
        for ai, alpha in enumerate(alphas):
            for f in range(k):
                tr, te = folds != f, folds == f
                w, b = fit(Xs[tr], y[tr], alpha, r)
                eta = Xs[te] @ w + b
                path[ri, ai] += log_loss(y[te], 1 / (1 + np.exp(-eta)), labels=[0, 1], normalize=False) / len(y)
    ri, ai = np.unravel_index(np.argmin(path), path.shape)
    w, b = fit(Xs, y, alphas[ai], ratios[ri])
    raw = w / scaler.scale_
    case["cv"] = {"folds": k, "alphas": alphas, "l1_ratios": ratios, "loss_path": path.tolist(), "alpha": alphas[ai],
                  "l1_ratio": ratios[ri], "coef": raw.tolist(), "intercept": float(b - raw @ scaler.mean_)}
    out["cases"].append(case)
json.dump(out, sys.stdout, indent=1)
