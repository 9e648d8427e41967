"""Random problems for the regularized linear solvers, solved by scikit-learn 1.2.1, in sklearn_linear.json's schema.

sklearn_linear.json holds three hand-made problems. These are drawn at random: 20 to 160 rows, 1 to 45 columns (some wider than
a fold), columns on scales from 1e-3 to 1e3, correlated blocks, a constant column in some problems, sparse true coefficients,
a response offset up to 1e4, and for each problem a random alpha grid. Ridge, Lasso and ElasticNet at four random alphas, and
RidgeCV (5 contiguous folds scored by MSE), LassoCV and ElasticNetCV (l1 ratios 0.1, 0.5, 0.9) over the grid.

Run with Debian 12's scikit-learn 1.2.1, unpacked privately or installed:
    python3 make_sklearn_linear_fuzz.py > sklearn_linear_fuzz.json
The script aborts when a CV choice is not clear (the two best mean scores within a relative 1e-7), so the reference does not
depend on rounding, and when coordinate descent warns that it did not converge.
"""
import json
import sys
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import ElasticNet, ElasticNetCV, Lasso, LassoCV, Ridge
from sklearn.model_selection import GridSearchCV, KFold

warnings.simplefilter("error", ConvergenceWarning)
TOL, MAX_ITER = 1e-13, 1_000_000
RATIOS = [0.1, 0.5, 0.9]


def problem(rng, index):
    n = int(rng.integers(20, 161))
    p = int(rng.integers(1, 46)) if index % 3 else int(rng.integers(n // 5 + 1, n // 5 + 20))  # every third: wider than a fold
    x = rng.standard_normal((n, p))
    if p > 3 and rng.random() < 0.6:  # a correlated block
        k = int(rng.integers(2, min(p, 6) + 1))
        x[:, :k] = x[:, [0]] + rng.uniform(0.05, 0.5) * rng.standard_normal((n, k))
    x *= 10.0 ** rng.uniform(-3, 3, size=p)
    x += rng.uniform(-5, 5, size=p) * np.abs(x).mean(axis=0)
    if p > 2 and rng.random() < 0.3:
        x[:, int(rng.integers(p))] = rng.uniform(-3, 3)  # a constant column
    beta = rng.standard_normal(p) * (rng.random(p) < rng.uniform(0.2, 1.0))
    beta /= np.maximum(np.abs(x).mean(axis=0), 1e-12)
    y = x @ beta + rng.uniform(0.05, 2.0) * rng.standard_normal(n) + rng.uniform(-1e4, 1e4) * (rng.random() < 0.3)
    return x, y


def grid(rng, x, y):
    # Lasso's alpha_max (with intercept) sets the scale; the grid spans from far below to above it.
    xc, yc = x - x.mean(axis=0), y - y.mean()
    alpha_max = max(np.abs(xc.T @ yc).max() / len(y), 1e-12)
    lo, hi = rng.uniform(-5, -2), rng.uniform(0.0, 0.5)
    return list(np.logspace(np.log10(alpha_max) + lo, np.log10(alpha_max) + hi, int(rng.integers(6, 15))))


def model_json(m):
    return {"coef": [float(v) for v in np.ravel(m.coef_)], "intercept": float(m.intercept_)}


def clear_choice(scores, lower_is_better, what):
    s = np.sort(np.asarray(scores).ravel())
    if not lower_is_better:
        s = s[::-1]
    if abs(s[1] - s[0]) <= 1e-7 * max(abs(s[0]), 1e-300):
        raise SystemExit(f"{what}: the two best CV scores tie ({s[0]!r}, {s[1]!r}); change the seed")


def solve(name, x, y, alphas, rng):
    folds = KFold(5, shuffle=False)
    fits = []
    for alpha in sorted(rng.choice(alphas, size=4, replace=False)):
        alpha = float(alpha)
        fits.append({"model": "Ridge", "alpha": alpha * len(y), "params": {}, **model_json(Ridge(alpha=alpha * len(y)).fit(x, y))})
        fits.append({"model": "Lasso", "alpha": alpha, "params": {}, **model_json(Lasso(alpha=alpha, tol=TOL, max_iter=MAX_ITER).fit(x, y))})
        ratio = float(rng.choice(RATIOS))
        en = ElasticNet(alpha=alpha, l1_ratio=ratio, tol=TOL, max_iter=MAX_ITER).fit(x, y)
        fits.append({"model": "ElasticNet", "alpha": alpha, "params": {"l1_ratio": ratio}, **model_json(en)})

    ridge_alphas = [a * len(y) for a in alphas]
    search = GridSearchCV(Ridge(), {"alpha": ridge_alphas}, cv=folds, scoring="neg_mean_squared_error").fit(x, y)
    clear_choice(search.cv_results_["mean_test_score"], False, f"{name} RidgeCV")
    ridge = {"alpha": float(search.best_params_["alpha"]), **model_json(search.best_estimator_)}
    lasso_cv = LassoCV(alphas=alphas, cv=folds, tol=TOL, max_iter=MAX_ITER).fit(x, y)
    clear_choice(lasso_cv.mse_path_.mean(axis=1), True, f"{name} LassoCV")
    en_cv = ElasticNetCV(alphas=alphas, l1_ratio=RATIOS, cv=folds, tol=TOL, max_iter=MAX_ITER).fit(x, y)
    clear_choice(en_cv.mse_path_.mean(axis=2), True, f"{name} ElasticNetCV")
    return {
        "name": name, "X": x.tolist(), "y": y.tolist(), "fits": fits,
        "cv": {"folds": "KFold(5, shuffle=False): fold i = contiguous block i of rows", "alphas": [float(a) for a in alphas],
               "ridge_alphas": ridge_alphas, "ridge": ridge,
               "lasso": {"alpha": float(lasso_cv.alpha_), **model_json(lasso_cv), "mse_path": lasso_cv.mse_path_.tolist()},
               "elasticnet": {"alpha": float(en_cv.alpha_), "l1_ratio": float(en_cv.l1_ratio_), **model_json(en_cv)}},
    }


def main():
    rng = np.random.default_rng(20261202)
    cases = []
    for i in range(12):
        x, y = problem(rng, i)
        cases.append(solve(f"fuzz{i}", x, y, grid(rng, x, y), rng))
    json.dump({
        "source": f"scikit-learn {sklearn.__version__}, numpy {np.__version__} (make_sklearn_linear_fuzz.py)",
        "notes": "As sklearn_linear.json. Ridge fits use alpha = grid alpha * n (Ridge's sum-of-squares objective); RidgeCV "
                 "searches cv.ridge_alphas with GridSearchCV(scoring='neg_mean_squared_error'); Lasso/ElasticNet tol=1e-13.",
        "cases": cases,
    }, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
