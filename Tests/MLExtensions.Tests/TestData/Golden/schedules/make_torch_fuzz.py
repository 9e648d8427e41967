"""Random torch.optim.lr_scheduler cases for torch_lr_schedulers_fuzz.json, in torch_lr_schedulers.json's schema.

Six random draws of each of the eleven PyTorch-equivalent schedules: random constructor arguments and a run length that often
goes past the schedule's own horizon (cosine past T_max, linear and polynomial past total_iters, milestones past the end, several
warm restarts and cyclic cycles). Each case's name is `<kind>_fuzz<k>`, `<kind>` being a case name of torch_lr_schedulers.json.

With --edges, torch_lr_schedulers_edges.json instead: PyTorch schedules at arguments outside the usual decay, each case naming
its PyTorch class in `scheduler`:
- StepLR and ExponentialLR with gamma > 1 (the rate grows, as in a learning-rate range test) and MultiStepLR with gamma > 1.
- MultiStepLR with repeated and unsorted milestones: PyTorch keeps a Counter, so a milestone given k times multiplies the rate
  by gamma**k there, whatever the order.
Hand-picked cases first, then random draws (seeded).

Run with a private PyTorch 1.13.1 (never install python3-torch on a machine that runs TorchSharp):
    /tmp/pytorch-openblas make_torch_fuzz.py > torch_lr_schedulers_fuzz.json
    /tmp/pytorch-openblas make_torch_fuzz.py --edges > torch_lr_schedulers_edges.json
"""
import json
import math
import random
import sys

import torch

BASE_LR = 0.1
S = torch.optim.lr_scheduler


def rates(make, steps):
    param = torch.nn.Parameter(torch.zeros(2))
    opt = torch.optim.SGD([param], lr=BASE_LR, momentum=0.9)
    sched = make(opt)
    out = []
    for _ in range(steps):
        out.append(opt.param_groups[0]["lr"])
        param.grad = torch.ones(2)
        opt.step()
        sched.step()
    return out


def draw(kind, rng):
    """(params in PyTorch's names, constructor, steps)."""
    if kind == "step":
        p = dict(step_size=rng.randint(1, 15), gamma=rng.uniform(0.05, 1.0))
        return p, lambda o: S.StepLR(o, **p), rng.randint(10, 80)
    if kind == "multistep":
        steps = rng.randint(10, 80)
        milestones = sorted(rng.sample(range(1, steps + 10), rng.randint(1, 5)))
        p = dict(milestones=milestones, gamma=rng.uniform(0.05, 1.0))
        return p, lambda o: S.MultiStepLR(o, **p), steps
    if kind == "exponential":
        p = dict(gamma=rng.uniform(0.8, 1.0))
        return p, lambda o: S.ExponentialLR(o, **p), rng.randint(10, 120)
    if kind == "cosine":
        t_max = rng.randint(1, 40)
        p = dict(T_max=t_max, eta_min=BASE_LR * rng.choice([0.0, rng.uniform(0.0, 0.5)]))
        return p, lambda o: S.CosineAnnealingLR(o, **p), rng.randint(t_max, 3 * t_max + 5)
    if kind == "cosine_warm_restarts":
        p = dict(T_0=rng.randint(1, 12), T_mult=rng.randint(1, 3), eta_min=BASE_LR * rng.choice([0.0, rng.uniform(0.0, 0.5)]))
        return p, lambda o: S.CosineAnnealingWarmRestarts(o, **p), rng.randint(10, 90)
    if kind in ("linear", "linear_warmup"):
        total = rng.randint(1, 40)
        p = dict(start_factor=rng.uniform(0.01, 1.0), end_factor=rng.uniform(0.0, 1.0), total_iters=total)
        return p, lambda o: S.LinearLR(o, **p), rng.randint(total, 2 * total + 10)
    if kind == "polynomial":
        total = rng.randint(1, 40)
        p = dict(total_iters=total, power=rng.choice([1.0, 2.0, rng.uniform(0.2, 4.0)]))
        return p, lambda o: S.PolynomialLR(o, **p), rng.randint(total, 2 * total + 10)
    if kind in ("onecycle_cos", "onecycle_linear"):
        total = rng.randint(8, 120)
        three = rng.random() < 0.5
        p = dict(max_lr=rng.uniform(0.05, 1.0), total_steps=total, pct_start=rng.uniform(0.1, 0.45 if three else 0.9),
                 anneal_strategy="cos" if kind == "onecycle_cos" else "linear", div_factor=rng.uniform(1.0, 100.0),
                 final_div_factor=10 ** rng.uniform(0, 5), three_phase=three)
        return p, lambda o: S.OneCycleLR(o, **p), total
    if kind == "cyclic_triangular2":
        up = rng.randint(1, 10)
        p = dict(base_lr=rng.uniform(0.001, 0.09), max_lr=BASE_LR, step_size_up=up,
                 step_size_down=rng.choice([None, rng.randint(1, 10)]), mode="triangular2")
        return p, lambda o: S.CyclicLR(o, **p), rng.randint(10, 80)
    raise ValueError(kind)


KINDS = ["step", "multistep", "exponential", "cosine", "cosine_warm_restarts", "linear", "linear_warmup", "polynomial",
         "onecycle_cos", "onecycle_linear", "cyclic_triangular2"]


def main():
    rng = random.Random(20261202)
    cases = {}
    for kind in KINDS:
        for k in range(6):
            p, make, steps = draw(kind, rng)
            lrs = rates(make, steps)
            assert all(math.isfinite(v) for v in lrs)
            cases[f"{kind}_fuzz{k}"] = {"params": p, "steps": steps, "lr": lrs}
    json.dump({"source": f"torch.optim.lr_scheduler, PyTorch {torch.__version__} (make_torch_fuzz.py)", "base_lr": BASE_LR,
               "meaning": "lr[i] is the learning rate used by the i-th optimizer step (scheduler stepped after each optimizer step)",
               "cases": cases}, sys.stdout)
    sys.stdout.write("\n")


def case(cls, steps, **p):
    return cls.__name__, p, (lambda o: cls(o, **p)), steps


def edges():
    rng = random.Random(20261203)
    made = [
        ("exponential_range_test", case(S.ExponentialLR, 100, gamma=1.1)),
        ("step_growth", case(S.StepLR, 40, step_size=7, gamma=2.0)),
        ("multistep_repeated", case(S.MultiStepLR, 30, milestones=[10, 10, 20], gamma=0.5)),
        ("multistep_unsorted", case(S.MultiStepLR, 30, milestones=[25, 5, 15], gamma=0.3)),
        ("multistep_growth", case(S.MultiStepLR, 30, milestones=[3, 9, 9, 9], gamma=1.5)),
    ]
    for k in range(6):
        steps = rng.randint(10, 80)
        milestones = [rng.randint(1, steps + 5) for _ in range(rng.randint(1, 7))]
        made.append((f"multistep_draw{k}", case(S.MultiStepLR, steps, milestones=milestones, gamma=rng.uniform(0.05, 2.0))))
    for k in range(4):
        made.append((f"exponential_draw{k}", case(S.ExponentialLR, rng.randint(10, 120), gamma=rng.uniform(1.0, 1.2))))
        made.append((f"step_draw{k}", case(S.StepLR, rng.randint(10, 80), step_size=rng.randint(1, 15), gamma=rng.uniform(1.0, 3.0))))
    cases = {}
    for name, (cls, p, make, steps) in made:
        lrs = rates(make, steps)
        assert all(math.isfinite(v) for v in lrs)
        cases[name] = {"scheduler": cls, "params": p, "steps": steps, "lr": lrs}
    json.dump({"source": f"torch.optim.lr_scheduler, PyTorch {torch.__version__} (make_torch_fuzz.py --edges)", "base_lr": BASE_LR,
               "meaning": "lr[i] is the learning rate used by the i-th optimizer step (scheduler stepped after each optimizer step)",
               "cases": cases}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    edges() if sys.argv[1:] == ["--edges"] else main()
