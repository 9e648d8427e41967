"""PyTorch's momentum cycling (cycle_momentum) of OneCycleLR and CyclicLR, step by step, for torch_momentum_cycling.json.

Run with a private PyTorch 1.13.1 (never installed system-wide): /tmp/torch-private/run-python make_torch_momentum.py
With --fuzz it writes torch_momentum_cycling_fuzz.json instead: 8 random one-cycle and 8 random cyclic cases (every argument
drawn, SGD or Adam for one-cycle), named onecycle_fuzz<k> and cyclic_fuzz<k>.
Each case records, before every optimizer step, the first group's learning rate and its momentum (SGD's `momentum`, or
Adam's betas[0] when the optimizer has betas), as the optimizer would use them in that step.
"""
import json
import random
import sys

import torch

BASE_LR = 0.1


def run(make_optimizer, make_scheduler, steps):
    param = torch.nn.Parameter(torch.zeros(3))
    optimizer = make_optimizer([param])
    scheduler = make_scheduler(optimizer)
    lrs, momenta = [], []
    for _ in range(steps):
        group = optimizer.param_groups[0]
        lrs.append(group["lr"])
        momenta.append(group["betas"][0] if "betas" in group else group["momentum"])
        param.grad = torch.ones(3)
        optimizer.step()
        scheduler.step()
    return lrs, momenta


def sgd(params):
    return torch.optim.SGD(params, lr=BASE_LR, momentum=0.9)


def adam(params):
    return torch.optim.Adam(params, lr=BASE_LR, betas=(0.9, 0.999))


cases = {}


def add(name, optimizer_name, params, make_optimizer, make_scheduler, steps):
    lrs, momenta = run(make_optimizer, make_scheduler, steps)
    cases[name] = {"optimizer": optimizer_name, "params": params, "steps": steps, "lr": lrs, "momentum": momenta}


def fixed_cases():
    for anneal in ("cos", "linear"):
        for three_phase in (False, True):
            for opt_name, opt in (("sgd", sgd), ("adam", adam)):
                p = dict(max_lr=0.5, total_steps=40, pct_start=0.3, anneal_strategy=anneal, div_factor=25.0,
                         final_div_factor=1e4, three_phase=three_phase, base_momentum=0.8, max_momentum=0.95)
                name = f"onecycle_{anneal}{'_3phase' if three_phase else ''}_{opt_name}"
                add(name, opt_name, p, opt, lambda o, p=p: torch.optim.lr_scheduler.OneCycleLR(o, cycle_momentum=True, **p), 40)

    # PyTorch 1.13's CyclicLR cycles SGD's momentum only (betas came in 2.x), so its cases use SGD.
    for mode, gamma in (("triangular", 1.0), ("triangular2", 1.0), ("exp_range", 0.97)):
        for opt_name, opt in (("sgd", sgd),):
            p = dict(base_lr=0.01, max_lr=0.1, step_size_up=5, step_size_down=3, mode=mode, gamma=gamma,
                     base_momentum=0.8, max_momentum=0.9)
            add(f"cyclic_{mode}_{opt_name}", opt_name, p, opt,
                lambda o, p=p: torch.optim.lr_scheduler.CyclicLR(o, cycle_momentum=True, **p), 30)



def fuzz_cases():
    rng = random.Random(20261202)
    for k in range(8):
        three = rng.random() < 0.5
        total = rng.randint(10, 90)
        base_m = rng.uniform(0.5, 0.9)
        p = dict(max_lr=rng.uniform(0.05, 1.0), total_steps=total, pct_start=rng.uniform(0.1, 0.45 if three else 0.9),
                 anneal_strategy=rng.choice(["cos", "linear"]), div_factor=rng.uniform(1.0, 100.0),
                 final_div_factor=10 ** rng.uniform(0, 5), three_phase=three, base_momentum=base_m,
                 max_momentum=rng.uniform(base_m, 0.99))
        opt_name, opt = rng.choice([("sgd", sgd), ("adam", adam)])
        add(f"onecycle_fuzz{k}", opt_name, p, opt, lambda o, p=p: torch.optim.lr_scheduler.OneCycleLR(o, cycle_momentum=True, **p), total)
    for k in range(8):
        base_m = rng.uniform(0.5, 0.9)
        mode = rng.choice(["triangular", "triangular2", "exp_range"])
        p = dict(base_lr=rng.uniform(0.001, 0.09), max_lr=0.1, step_size_up=rng.randint(1, 10), step_size_down=rng.randint(1, 10),
                 mode=mode, gamma=rng.uniform(0.9, 1.0) if mode == "exp_range" else 1.0, base_momentum=base_m,
                 max_momentum=rng.uniform(base_m, 0.99))
        add(f"cyclic_fuzz{k}", "sgd", p, sgd, lambda o, p=p: torch.optim.lr_scheduler.CyclicLR(o, cycle_momentum=True, **p),
            rng.randint(10, 80))


fuzz = "--fuzz" in sys.argv
(fuzz_cases if fuzz else fixed_cases)()
with open("torch_momentum_cycling_fuzz.json" if fuzz else "torch_momentum_cycling.json", "w") as f:
    json.dump({"source": f"PyTorch {torch.__version__} (Debian python3-torch 1.13.1), make_torch_momentum.py",
               "meaning": "lr and momentum (SGD momentum or Adam betas[0]) of the first group before each optimizer step",
               "cases": cases}, f, indent=1)
print(len(cases), "cases")
