"""Reference runs of greedy ensemble selection with replacement (Caruana, Niculescu-Mizil, Crew & Ksikes, ICML 2004), written
from the paper's description with numpy only and no shortcut: every candidate ensemble's RMSE is computed from the averaged
predictions themselves (the C# combiner uses a residual Gram matrix instead).

Procedure (the one GreedyEnsembleSelectionCombiner documents):
  1. sorted initialisation: order models by RMSE (ties by index); for N = 1..min(max_initial, K) take the RMSE of the average of
     the N best, keep the first N with the lowest one and add those N models (max_initial = 0 starts empty);
  2. `iterations` times, add (with replacement) the model whose addition gives the lowest RMSE of the averaged ensemble;
  3. return the prefix of the whole sequence (initialisation included) with the lowest RMSE, first one on ties;
     weight of a model = its count in the prefix / the prefix length.
Random tie-breaking cannot be reproduced across languages, so the script aborts if any step's best and second-best candidates
are within a relative 1e-9 of each other (no case here comes near that).
Run:  /usr/bin/python3 make_ensemble_selection.py > ensemble_selection.json   (numpy 1.24.2, Debian 12)
"""
import json
import numpy as np


def rmse(p, y):
    return float(np.sqrt(np.mean((p - y) ** 2)))


def ensemble_selection(P, y, iterations, max_initial):
    n, k = P.shape
    order = sorted(range(k), key=lambda m: (rmse(P[:, m], y), m))
    sequence, losses = [], []
    if max_initial > 0:
        best_n, best_loss = 1, np.inf
        for size in range(1, min(max_initial, k) + 1):
            loss = rmse(P[:, order[:size]].mean(axis=1), y)
            if loss < best_loss:
                best_n, best_loss = size, loss
        for m in order[:best_n]:
            sequence.append(m)
            losses.append(rmse(P[:, sequence].mean(axis=1), y))
    for _ in range(iterations):
        candidates = np.array([rmse(P[:, sequence + [m]].mean(axis=1), y) for m in range(k)])
        ranked = np.sort(candidates)
        if k > 1 and ranked[1] - ranked[0] <= 1e-9 * ranked[0]:
            raise RuntimeError("near-tie between the two best candidates; the reference would depend on tie-breaking")
        m = int(np.argmin(candidates))
        sequence.append(m)
        losses.append(float(candidates[m]))
    prefix = int(np.argmin(losses))  # first minimum
    chosen = sequence[:prefix + 1]
    weights = np.bincount(chosen, minlength=k) / len(chosen)
    return sequence, losses, chosen, weights


def zoo(name, n, k, groups, seed):
    """y ~ N(0, 1); model m = y + bias_m + noise of size s_m, part of it shared within its group (correlated errors)."""
    rng = np.random.default_rng(seed)
    y = rng.normal(size=n)
    shared = rng.normal(size=(groups, n))
    cols = []
    for m in range(k):
        size = 0.3 + 0.8 * rng.random()
        share = rng.random()
        noise = share * shared[m % groups] + np.sqrt(1 - share ** 2) * rng.normal(size=n)
        cols.append(y + 0.2 * rng.normal() + size * noise)
    return name, np.round(np.column_stack(cols), 6), np.round(y, 6)


cases = []
for name, n, k, groups, seed, runs in [
    ("zoo12", 300, 12, 3, 7, [(40, 0), (40, 5), (40, 25)]),
    ("zoo30", 500, 30, 6, 11, [(60, 0), (60, 10)]),
]:
    _, P, y = zoo(name, n, k, groups, seed)
    for iterations, max_initial in runs:
        sequence, losses, chosen, weights = ensemble_selection(P, y, iterations, max_initial)
        cases.append({
            "name": f"{name}_it{iterations}_init{max_initial}",
            "iterations": iterations,
            "max_initial_models": max_initial,
            "P": P.tolist(),
            "y": y.tolist(),
            "sequence": sequence,
            "losses": losses,
            "selection": chosen,
            "weights": weights.tolist(),
            "loss": losses[len(chosen) - 1],
        })

json.dump({"generator": "make_ensemble_selection.py", "numpy": np.__version__, "cases": cases}, open(1, "w"))
