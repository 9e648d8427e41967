"""PyTorch's ReduceLROnPlateau, epoch by epoch, for torch_plateau.json.

Run with a private PyTorch 1.13.1 (never installed system-wide): /tmp/pytorch-openblas make_torch_plateau.py
Each case gives the scheduler's arguments, two parameter groups' initial rates, a metric sequence (one value per epoch, NaN
written as null) and every group's rate after each scheduler.step(metric). The sequences have plateaus, ties, improvements just
above and below the threshold, negative values (the relative threshold is asymmetric there) and NaNs. Six hand-picked cases
cover each argument; 24 more draw every argument at random (seeded, so the file is reproducible).
"""
import json
import math
import random

import torch

INITIAL = [0.1, 0.03]


def metric_sequence(rng, kind, epochs, threshold):
    values, v = [], rng.uniform(-2, 5) if kind == "signed" else rng.uniform(0.5, 3)
    for _ in range(epochs):
        r = rng.random()
        if r < 0.15:
            pass                                    # an exact tie with the previous value
        elif r < 0.30:
            v = v * (1 - threshold * rng.uniform(0.5, 1.5)) if v > 0 else v - threshold * rng.uniform(0.5, 1.5)   # near the threshold
        elif r < 0.55:
            v = v - abs(rng.gauss(0, 0.1))           # an improvement (for min)
        elif r < 0.95:
            v = v + abs(rng.gauss(0, 0.05))          # worse
        else:
            values.append(float("nan"))
            continue
        values.append(v)
    return values


def run(args, metrics):
    params = [torch.nn.Parameter(torch.zeros(2)), torch.nn.Parameter(torch.zeros(3))]
    optimizer = torch.optim.SGD([{"params": [params[0]], "lr": INITIAL[0]}, {"params": [params[1]], "lr": INITIAL[1]}], lr=INITIAL[0])
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, **args)
    rates = []
    for m in metrics:
        scheduler.step(m)
        rates.append([g["lr"] for g in optimizer.param_groups])
    return rates


cases = {}


def add(name, args, metrics):
    cases[name] = {
        "args": args,
        "initial": INITIAL,
        "metrics": [None if math.isnan(m) else m for m in metrics],
        "rates": run(args, metrics),
    }


rng = random.Random(20261202)
base = dict(mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel", cooldown=0, min_lr=0.0, eps=1e-8)
add("defaults", base, metric_sequence(rng, "positive", 80, 1e-4))
add("patience2_cooldown3", {**base, "patience": 2, "cooldown": 3, "factor": 0.5}, metric_sequence(rng, "positive", 60, 1e-4))
add("abs_threshold", {**base, "patience": 1, "threshold": 0.05, "threshold_mode": "abs", "factor": 0.7}, metric_sequence(rng, "positive", 60, 0.05))
add("min_lr_floor", {**base, "patience": 0, "factor": 0.5, "min_lr": 0.02}, metric_sequence(rng, "positive", 40, 1e-4))
add("signed_rel", {**base, "patience": 1, "threshold": 0.1}, metric_sequence(rng, "signed", 60, 0.1))
add("max_mode", {**base, "mode": "max", "patience": 2, "factor": 0.3}, [-m for m in metric_sequence(rng, "positive", 60, 1e-4)])
add("eps_skips", {**base, "patience": 0, "factor": 0.9, "eps": 0.005}, metric_sequence(rng, "positive", 40, 1e-4))

for k in range(24):
    mode = rng.choice(["min", "max"])
    threshold_mode = rng.choice(["rel", "abs"])
    threshold = rng.choice([0.0, 1e-4, 1e-3, 0.01, 0.1])
    args = dict(mode=mode, factor=rng.choice([0.1, 0.2, 0.5, 0.9, rng.uniform(0.01, 0.99)]), patience=rng.randint(0, 6),
                threshold=threshold, threshold_mode=threshold_mode, cooldown=rng.randint(0, 4),
                min_lr=rng.choice([0.0, 0.0, 1e-3, 0.01]), eps=rng.choice([1e-8, 1e-8, 1e-4]))
    metrics = metric_sequence(rng, rng.choice(["positive", "signed"]), rng.randint(20, 70), max(threshold, 1e-4))
    add(f"fuzz{k:02d}", args, [-m for m in metrics] if mode == "max" else metrics)

with open("torch_plateau.json", "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, indent=1)
print(len(cases), "cases")
