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

With --sequential, torch_lr_schedulers_sequential.json: ConstantLR, and SequentialLR over two to four parts (see sequential()).

Run with a private PyTorch 1.13.1 (never install python3-torch on a machine that runs TorchSharp):
    /tmp/pytorch-openblas make_torch_fuzz.py > torch_lr_schedulers_fuzz.json
    /tmp/pytorch-openblas make_torch_fuzz.py --edges > torch_lr_schedulers_edges.json
    /tmp/pytorch-openblas make_torch_fuzz.py --sequential > torch_lr_schedulers_sequential.json
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


PART_CLASSES = {"step": "StepLR", "multistep": "MultiStepLR", "exponential": "ExponentialLR", "cosine": "CosineAnnealingLR",
                "cosine_warm_restarts": "CosineAnnealingWarmRestarts", "linear": "LinearLR", "polynomial": "PolynomialLR",
                "cyclic_triangular2": "CyclicLR"}


def part(cls, **p):
    return {"scheduler": cls, "params": p}


def build(o, spec):
    """A scheduler on optimizer o from {"scheduler": class name, "params": ...}; SequentialLR's parts are built first, in order."""
    p = dict(spec["params"])
    if spec["scheduler"] == "SequentialLR":
        p["schedulers"] = [build(o, s) for s in p["schedulers"]]
    return getattr(S, spec["scheduler"])(o, **p)


def sequential():
    """torch_lr_schedulers_sequential.json: ConstantLR alone, and SequentialLR over the other closed-form schedulers.

    CyclicLR is never a first part and OneCycleLR never a part: built first, CyclicLR sets the groups' initial rate to its
    base_lr, and OneCycleLR always resets it to max_lr / div_factor, which changes the base of the other parts (MLExtensions'
    parts all multiply the optimizer's own rate; Schedules/README.md).
    """
    rng = random.Random(20261204)
    made = [
        ("constant_default", part("ConstantLR"), 12),
        ("constant_long", part("ConstantLR", factor=0.05, total_iters=40), 50),
        ("warmup_cosine", part("SequentialLR", schedulers=[part("LinearLR", start_factor=0.01, total_iters=10),
                                                           part("CosineAnnealingLR", T_max=90)], milestones=[10]), 100),
        ("constant_exponential", part("SequentialLR", schedulers=[part("ConstantLR", factor=0.1, total_iters=5),
                                                                  part("ExponentialLR", gamma=0.95)], milestones=[5]), 60),
        ("three_parts", part("SequentialLR", schedulers=[part("LinearLR", start_factor=0.2, total_iters=8),
                                                         part("MultiStepLR", milestones=[10, 20], gamma=0.5),
                                                         part("CosineAnnealingLR", T_max=15, eta_min=0.002)], milestones=[8, 40]), 70),
        ("milestone_past_end", part("SequentialLR", schedulers=[part("LinearLR", start_factor=0.5, total_iters=40),
                                                                part("CosineAnnealingLR", T_max=10)], milestones=[50]), 30),
        ("warmup_restarts", part("SequentialLR", schedulers=[part("ConstantLR", factor=0.25, total_iters=6),
                                                             part("CosineAnnealingWarmRestarts", T_0=7, T_mult=2)], milestones=[6]), 80),
        ("warmup_cyclic", part("SequentialLR", schedulers=[part("LinearLR", start_factor=0.1, total_iters=5),
                                                           part("CyclicLR", base_lr=0.01, max_lr=BASE_LR, step_size_up=4,
                                                                mode="triangular2")], milestones=[5]), 40),
    ]
    for k in range(4):
        made.append((f"constant_draw{k}", part("ConstantLR", factor=rng.uniform(0.01, 1.0), total_iters=rng.randint(1, 30)),
                     rng.randint(5, 60)))
    kinds = list(PART_CLASSES)
    for k in range(14):
        steps = rng.randint(20, 120)
        n = rng.randint(2, 4)
        milestones = sorted(rng.sample(range(1, steps + 5), n - 1))
        parts = []
        for i in range(n):
            kind = rng.choice([c for c in kinds + ["constant"] if i > 0 or c != "cyclic_triangular2"])
            if kind == "constant":
                parts.append(part("ConstantLR", factor=rng.uniform(0.01, 1.0), total_iters=rng.randint(1, 30)))
            else:
                p, _, _ = draw(kind, rng)
                parts.append(part(PART_CLASSES[kind], **p))
        made.append((f"sequential_draw{k}", part("SequentialLR", schedulers=parts, milestones=milestones), steps))
    cases = {}
    for name, spec, steps in made:
        lrs = rates(lambda o: build(o, spec), steps)
        assert all(math.isfinite(v) for v in lrs)
        cases[name] = {**spec, "steps": steps, "lr": lrs}
    json.dump({"source": f"torch.optim.lr_scheduler, PyTorch {torch.__version__} (make_torch_fuzz.py --sequential)",
               "base_lr": BASE_LR,
               "meaning": "lr[i] is the learning rate used by the i-th optimizer step (scheduler stepped after each optimizer step)",
               "cases": cases}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    {"--edges": edges, "--sequential": sequential}.get(sys.argv[1] if sys.argv[1:] else "", main)()
