"""Golden values of Optuna 3.1's TPE internals for TpeGoldenTests.

Run: python3 Tests/MLExtensions.AutoML.Tests/TestData/make_tpe_golden.py  (Debian python3-optuna 3.1.0, numpy)
Writes tpe_golden.json next to this script. Only Optuna's own functions compute the values.
"""
import json
import os

import numpy as np
import optuna
from optuna import distributions
from optuna.samplers._tpe import sampler as tpe_sampler
from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator, _ParzenEstimatorParameters
from optuna.trial import TrialState, create_trial

assert optuna.__version__ == "3.1.0", optuna.__version__

PARAMS = _ParzenEstimatorParameters(
    consider_prior=True,
    prior_weight=1.0,
    consider_magic_clip=True,
    consider_endpoints=False,
    weights=tpe_sampler.default_weights,
    multivariate=False,
)

rng = np.random.RandomState(7)
out = {
    "optuna": optuna.__version__,
    "gamma": {str(n): tpe_sampler.default_gamma(n) for n in [0, 1, 5, 9, 10, 11, 20, 100, 249, 250, 251, 1000]},
    "weights": {str(n): tpe_sampler.default_weights(n).tolist() for n in [0, 1, 3, 24, 25, 26, 27, 30, 40]},
    "numeric": [],
    "categorical": [],
    "split": [],
}


def mixture(pe, name):
    return {
        "weights": pe._weights.tolist(),
        "mus": pe._mus[name].tolist(),
        "sigmas": pe._sigmas[name].tolist(),
        "low": float(pe._low[name]),
        "high": float(pe._high[name]),
    }


# Numeric cases: a float range (linear or log); observations in the value domain; candidates in the value domain.
numeric_cases = [
    ("linear_small", 0.0, 10.0, False, 3, 5),
    ("linear_one_below", -2.0, 3.0, False, 1, 9),
    ("linear_many", 0.0, 1.0, False, 30, 40),
    ("log_range", 1e-4, 1.0, True, 4, 12),
    ("log_ties", 1.0, 1000.0, True, 5, 5),
    ("empty_below", 0.0, 5.0, False, 0, 6),
]
for name, low, high, log, n_below, n_above in numeric_cases:
    dist = distributions.FloatDistribution(low, high, log=log)

    def draw(n):
        if log:
            return np.exp(rng.uniform(np.log(low), np.log(high), n))
        return rng.uniform(low, high, n)

    below = draw(n_below)
    above = draw(n_above)
    if name == "log_ties":
        below[1] = below[0]
        above[2] = above[0]
    pe_below = _ParzenEstimator({"x": below}, {"x": dist}, PARAMS)
    pe_above = _ParzenEstimator({"x": above}, {"x": dist}, PARAMS)
    candidates = draw(24)
    log_l = pe_below.log_pdf({"x": candidates})
    log_g = pe_above.log_pdf({"x": candidates})
    chosen = tpe_sampler.TPESampler._compare({"x": candidates}, log_l, log_g)["x"]
    out["numeric"].append(
        {
            "name": name,
            "low": low,
            "high": high,
            "log": log,
            "below": below.tolist(),
            "above": above.tolist(),
            "l": mixture(pe_below, "x"),
            "g": mixture(pe_above, "x"),
            "candidates": candidates.tolist(),
            "log_l": log_l.tolist(),
            "log_g": log_g.tolist(),
            "chosen_index": int(np.argmax(log_l - log_g)),
            "chosen": float(chosen),
        }
    )

# Categorical cases: choice indices.
for name, k, n_below, n_above in [("three_choices", 3, 2, 8), ("five_choices", 5, 6, 30), ("empty_below", 4, 0, 5)]:
    dist = distributions.CategoricalDistribution(list(range(k)))
    below = rng.randint(0, k, n_below)
    above = rng.randint(0, k, n_above)
    pe_below = _ParzenEstimator({"c": below.astype(float)}, {"c": dist}, PARAMS)
    pe_above = _ParzenEstimator({"c": above.astype(float)}, {"c": dist}, PARAMS)
    candidates = np.arange(k)
    log_l = pe_below.log_pdf({"c": candidates})
    log_g = pe_above.log_pdf({"c": candidates})
    out["categorical"].append(
        {
            "name": name,
            "k": k,
            "below": below.tolist(),
            "above": above.tolist(),
            "l_weights": pe_below._weights.tolist(),
            "l_table": pe_below._categorical_weights["c"].tolist(),
            "g_weights": pe_above._weights.tolist(),
            "g_table": pe_above._categorical_weights["c"].tolist(),
            "log_l": log_l.tolist(),
            "log_g": log_g.tolist(),
        }
    )

# Split of a history into below/above (complete trials by loss, pruned by (last step desc, value)).
optuna.logging.set_verbosity(optuna.logging.WARNING)
for name, n_trials, prune_rate in [("complete_and_pruned", 14, 0.35), ("many", 40, 0.35), ("mostly_pruned", 30, 0.95)]:
    study = optuna.create_study()
    trials = []
    for i in range(n_trials):
        x = float(rng.uniform(0, 1))
        state = TrialState.PRUNED if rng.rand() < prune_rate else TrialState.COMPLETE
        inter = {}
        value = None
        if state == TrialState.COMPLETE:
            value = float(np.round(rng.uniform(0, 1), 3))
        else:
            last = int(rng.randint(0, 4))
            inter = {s: float(np.round(rng.uniform(0, 1), 3)) for s in range(last + 1)} if rng.rand() < 0.9 else {}
        t = create_trial(
            state=state,
            value=value,
            params={"x": x},
            distributions={"x": distributions.FloatDistribution(0, 1)},
            intermediate_values=inter,
        )
        study.add_trial(t)
        trials.append({"state": state.name, "value": value, "intermediate": [[s, v] for s, v in sorted(inter.items())]})
    values, scores, violations = tpe_sampler._get_observation_pairs(study, ["x"], False, False)
    n = len(scores)
    below, above = tpe_sampler._split_observation_pairs(scores, tpe_sampler.default_gamma(n), violations)
    out["split"].append({"name": name, "trials": trials, "below": below.tolist(), "above": above.tolist()})

# The same split with running trials and constant_liar=True (TPESampler(constant_liar=True)): n counts only the finished
# trials, as sample_independent does, and the running ones are ranked after all of them.
out["split_constant_liar"] = []
for name, n_trials, prune_rate, running_rate in [("liar_few", 16, 0.3, 0.3), ("liar_many", 45, 0.3, 0.2)]:
    study = optuna.create_study()
    trials = []
    for i in range(n_trials):
        x = float(rng.uniform(0, 1))
        r = rng.rand()
        state = TrialState.RUNNING if r < running_rate else (TrialState.PRUNED if r < running_rate + prune_rate else TrialState.COMPLETE)
        inter, value = {}, None
        if state == TrialState.COMPLETE:
            value = float(np.round(rng.uniform(0, 1), 3))
        elif state == TrialState.PRUNED:
            last = int(rng.randint(0, 4))
            inter = {s: float(np.round(rng.uniform(0, 1), 3)) for s in range(last + 1)}
        study.add_trial(create_trial(state=state, value=value, params={"x": x},
                                     distributions={"x": distributions.FloatDistribution(0, 1)}, intermediate_values=inter))
        trials.append({"state": state.name, "value": value, "intermediate": [[s, v] for s, v in sorted(inter.items())]})
    values, scores, violations = tpe_sampler._get_observation_pairs(study, ["x"], True, False)
    n = sum(s < float("inf") for s, v in scores)
    below, above = tpe_sampler._split_observation_pairs(scores, tpe_sampler.default_gamma(n), violations)
    out["split_constant_liar"].append({"name": name, "n": int(n), "trials": trials, "below": below.tolist(), "above": above.tolist()})

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tpe_golden.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", path)
