"""Golden pruning decisions from Optuna 3.1 (Debian's python3-optuna) for PrunerGoldenTests.

Each scenario runs scripted trials (sequentially, or several at once in round-robin to exercise ASHA's asynchrony) through
Optuna's ask/report/should_prune/tell API and records every event: the value reported at a step and the pruner's answer,
and when a trial completes. The C# tests replay the same events through our pruners and must give the same answers.
Run: python3 make_pruner_golden.py  (writes pruner_golden.json next to this script).
"""
import binascii
import json
import math
import os
import random

import optuna
from optuna.trial import TrialState

optuna.logging.set_verbosity(optuna.logging.WARNING)


def curve(rng, steps, nan_rate):
    quality = rng.random()
    values = []
    for t in range(1, steps + 1):
        v = quality + 1.0 / t + 0.05 * rng.random()
        if rng.random() < nan_rate:
            v = float("nan")
        values.append(v)
    return values


def run(pruner, study_name, n_trials, steps, concurrent, seed, nan_rate=0.0):
    rng = random.Random(seed)
    study = optuna.create_study(study_name=study_name, direction="minimize", pruner=pruner)
    curves = [curve(rng, steps if isinstance(steps, int) else rng.choice(steps), nan_rate) for _ in range(n_trials)]
    events = []
    active = []  # [optuna trial, index, next step]
    started = 0
    while started < n_trials or active:
        while len(active) < concurrent and started < n_trials:
            active.append([study.ask(), started, 1])
            started += 1
        slot = active.pop(0)
        trial, index, step = slot
        value = curves[index][step - 1]
        trial.report(value, step)
        prune = trial.should_prune()
        events.append({"trial": trial.number, "step": step, "value": None if math.isnan(value) else value, "prune": bool(prune)})
        if prune:
            study.tell(trial, state=TrialState.PRUNED)
        elif step == len(curves[index]):
            last = curves[index][-1]
            study.tell(trial, 1e9 if math.isnan(last) else last)
            events.append({"trial": trial.number, "complete": True})
        else:
            slot[2] = step + 1
            active.append(slot)
    return events


scenarios = []


def add(name, kind, options, pruner, **kw):
    scenarios.append({"name": name, "kind": kind, "options": options,
                      "studyName": kw.get("study_name", "golden"),
                      "events": run(pruner, kw.get("study_name", "golden"), kw["n_trials"], kw["steps"], kw["concurrent"], kw["seed"], kw.get("nan_rate", 0.0))})


SH = optuna.pruners.SuccessiveHalvingPruner
add("sha r1 eta2 sequential", "sha", {"MinResource": 1, "ReductionFactor": 2}, SH(min_resource=1, reduction_factor=2), n_trials=20, steps=16, concurrent=1, seed=1)
add("sha r2 eta3 s1 asynchronous", "sha", {"MinResource": 2, "ReductionFactor": 3, "MinEarlyStoppingRate": 1}, SH(min_resource=2, reduction_factor=3, min_early_stopping_rate=1), n_trials=30, steps=54, concurrent=4, seed=2)
add("sha defaults auto r", "sha", {}, SH(), n_trials=12, steps=[250, 320, 410], concurrent=1, seed=3)
add("sha bootstrap 2", "sha", {"MinResource": 1, "ReductionFactor": 2, "BootstrapCount": 2}, SH(min_resource=1, reduction_factor=2, bootstrap_count=2), n_trials=15, steps=8, concurrent=3, seed=4)
add("sha nan values", "sha", {"MinResource": 1, "ReductionFactor": 3}, SH(min_resource=1, reduction_factor=3), n_trials=20, steps=9, concurrent=2, seed=5, nan_rate=0.08)
MP = optuna.pruners.MedianPruner
add("median defaults", "median", {}, MP(), n_trials=25, steps=10, concurrent=1, seed=6)
add("median warmup interval", "median", {"StartupTrials": 2, "WarmupSteps": 2, "IntervalSteps": 3, "MinTrials": 2}, MP(n_startup_trials=2, n_warmup_steps=2, interval_steps=3, n_min_trials=2), n_trials=25, steps=12, concurrent=3, seed=7)
add("median nan values", "median", {"StartupTrials": 3}, MP(n_startup_trials=3), n_trials=20, steps=8, concurrent=2, seed=8, nan_rate=0.1)
PP = optuna.pruners.PercentilePruner
add("percentile 25", "percentile", {"Percentile": 25.0}, PP(25.0), n_trials=25, steps=10, concurrent=1, seed=12)
add("percentile 70 warmup interval", "percentile", {"Percentile": 70.0, "StartupTrials": 3, "WarmupSteps": 1, "IntervalSteps": 2, "MinTrials": 3},
    PP(70.0, n_startup_trials=3, n_warmup_steps=1, interval_steps=2, n_min_trials=3), n_trials=30, steps=12, concurrent=3, seed=13)
add("percentile 10 nan values", "percentile", {"Percentile": 10.0, "StartupTrials": 2}, PP(10.0, n_startup_trials=2), n_trials=20, steps=8, concurrent=2, seed=14, nan_rate=0.1)
TP = optuna.pruners.ThresholdPruner
add("threshold upper", "threshold", {"Upper": 1.5}, TP(upper=1.5), n_trials=15, steps=10, concurrent=1, seed=15)
add("threshold band warmup interval nan", "threshold", {"Lower": 0.35, "Upper": 1.2, "WarmupSteps": 2, "IntervalSteps": 3},
    TP(lower=0.35, upper=1.2, n_warmup_steps=2, interval_steps=3), n_trials=20, steps=12, concurrent=2, seed=16, nan_rate=0.05)
PA = optuna.pruners.PatientPruner
add("patient 2 alone", "patient", {"Patience": 2}, PA(None, patience=2), n_trials=15, steps=30, concurrent=1, seed=17)
add("patient 1 min delta, median inside", "patient", {"Patience": 1, "MinDelta": 0.01, "Wrapped": "median"},
    PA(MP(n_startup_trials=2), patience=1, min_delta=0.01), n_trials=20, steps=25, concurrent=2, seed=18, nan_rate=0.05)
HB = optuna.pruners.HyperbandPruner
add("hyperband defaults auto R", "hyperband", {"StudyName": "churn-hb"}, HB(), n_trials=40, steps=27, concurrent=1, seed=9, study_name="churn-hb")
add("hyperband r1 R81 eta3 asynchronous", "hyperband", {"MinResource": 1, "MaxResource": 81, "ReductionFactor": 3, "StudyName": "hb81"}, HB(min_resource=1, max_resource=81, reduction_factor=3), n_trials=60, steps=81, concurrent=4, seed=10, study_name="hb81")
add("hyperband r2 R32 eta2", "hyperband", {"MinResource": 2, "MaxResource": 32, "ReductionFactor": 2, "StudyName": "hb32"}, HB(min_resource=2, max_resource=32, reduction_factor=2), n_trials=40, steps=32, concurrent=2, seed=11, study_name="hb32")

# Bracket assignment of Optuna's HyperbandPruner (r=1, R=81, eta=3: 5 brackets) for trials 0..99 of study "hb81".
hb = HB(min_resource=1, max_resource=81, reduction_factor=3)
study = optuna.create_study(study_name="hb81", pruner=hb)
t = study.ask()
t.report(1.0, 1)
t.should_prune()  # initializes the brackets
brackets = {"studyName": "hb81", "options": {"MinResource": 1, "MaxResource": 81, "ReductionFactor": 3},
            "bracketCount": hb._n_brackets, "budgets": list(hb._trial_allocation_budgets),
            "brackets": [hb._get_bracket_id(study, type("T", (), {"number": n})()) for n in range(100)],
            "crc32": [binascii.crc32(f"hb81_{n}".encode()) for n in range(5)]}

out = {"optuna": optuna.__version__, "scenarios": scenarios, "hyperbandBrackets": brackets}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "pruner_golden.json"), "w") as f:
    json.dump(out, f, indent=None, separators=(",", ":"))
print("scenarios", len(scenarios), "events", sum(len(s["events"]) for s in scenarios),
      "prunes", sum(e.get("prune", False) for s in scenarios for e in s["events"]))
