"""PyTorch schedules at arguments outside the usual decay: torch_lr_schedulers_edges.json, in torch_lr_schedulers.json's schema.

- StepLR and ExponentialLR with gamma > 1 (the rate grows, as in a learning-rate range test) and MultiStepLR with gamma > 1.
- MultiStepLR with repeated and unsorted milestones: PyTorch keeps a Counter, so a milestone given k times multiplies the rate
  by gamma**k there, whatever the order.
Hand-picked cases first, then random draws (seeded). Each case's `scheduler` field is the PyTorch class name.

Run with a private PyTorch 1.13.1 (never install python3-torch on a machine that runs TorchSharp):
    /tmp/pytorch-openblas make_torch_edges.py > torch_lr_schedulers_edges.json
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
    opt = torch.optim.SGD([param], lr=BASE_LR)
    sched = make(opt)
    out = []
    for _ in range(steps):
        out.append(opt.param_groups[0]["lr"])
        param.grad = torch.ones(2)
        opt.step()
        sched.step()
    return out


def case(cls, steps, **p):
    return cls.__name__, p, (lambda o: cls(o, **p)), steps


def main():
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
    json.dump({"source": f"torch.optim.lr_scheduler, PyTorch {torch.__version__} (make_torch_edges.py)", "base_lr": BASE_LR,
               "meaning": "lr[i] is the learning rate used by the i-th optimizer step (scheduler stepped after each optimizer step)",
               "cases": cases}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
