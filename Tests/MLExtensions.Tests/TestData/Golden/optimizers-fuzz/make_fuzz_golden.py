"""Randomized golden trajectories: every optimizer with a reference, at random hyperparameters, shapes and gradient scales.

The hand-picked files in ../optimizers cover two or three settings per optimizer. These cover the settings in between and
the corners (every flag combination drawn at random, 1-element and 4-D tensors, gradients from 1e-4 to 1e3, all-zero and
partly zero gradients, parameters with norms above LAMB's clamp), in the same schema (../optimizers/README.md), so the
same test harness replays them.

Run with a private PyTorch 1.13.1 (never install python3-torch on a machine that runs TorchSharp):
    /tmp/pytorch-openblas make_fuzz_golden.py --refs /tmp/refs      # from this folder; rewrites fuzz__*.json and index.json
--refs is a folder holding the reference modules, unmodified, at the commits ../optimizers/README.md names, saved as
adabelief_ref.py, diffgrad_ref.py, adan_ref.py, adamp_ref.py, sgdp_ref.py, lion_ref.py, lamb_ref.py, lars_ref.py,
sgd_sai_ref.py and muon_ref.py (README.md here gives the git commands), plus the import shims README.md lists.
"""
import argparse
import importlib
import json
import math
import platform
import random
import sys

import numpy
import torch

torch.set_default_dtype(torch.float64)
TOL = {"atol": 1e-09, "rtol": 1e-09}
CASES_PER_OPTIMIZER = 6


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def log_uniform(rng, lo, hi):
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def maybe(rng, p, value, otherwise):
    return value if rng.random() < p else otherwise


# ---------------------------------------------------------------- hyperparameters per optimizer (reference names)
def hp_sgd(rng):
    momentum = maybe(rng, 0.75, rng.uniform(0.5, 0.99), 0.0)
    nesterov = momentum > 0 and rng.random() < 0.5
    dampening = 0.0 if nesterov else maybe(rng, 0.4, rng.uniform(0.05, 0.5), 0.0)
    return dict(lr=log_uniform(rng, 1e-3, 0.2), momentum=momentum, dampening=dampening,
                weight_decay=maybe(rng, 0.6, log_uniform(rng, 1e-4, 0.1), 0.0), nesterov=nesterov, maximize=False, foreach=None)


def hp_adam(rng, adamw=False):
    hp = dict(lr=log_uniform(rng, 1e-4, 5e-2), betas=(rng.uniform(0.5, 0.99), rng.uniform(0.9, 0.9999)),
                eps=log_uniform(rng, 1e-10, 1e-3), weight_decay=maybe(rng, 0.7, log_uniform(rng, 1e-4, 0.3), 0.0),
                amsgrad=rng.random() < 0.5, maximize=False, foreach=None, capturable=False)
    if not adamw:  # torch 1.13's AdamW has neither keyword
        hp.update(differentiable=False, fused=False)
    return hp


def hp_adagrad(rng):
    return dict(lr=log_uniform(rng, 1e-3, 0.2), lr_decay=maybe(rng, 0.5, log_uniform(rng, 1e-4, 0.1), 0.0),
                weight_decay=maybe(rng, 0.5, log_uniform(rng, 1e-4, 0.1), 0.0),
                initial_accumulator_value=maybe(rng, 0.5, rng.uniform(0.0, 1.0), 0.0), eps=log_uniform(rng, 1e-10, 1e-4),
                foreach=None, maximize=False)


def hp_adabelief(rng):
    return dict(lr=log_uniform(rng, 1e-4, 5e-2), betas=(rng.uniform(0.5, 0.99), rng.uniform(0.9, 0.9999)),
                eps=log_uniform(rng, 1e-16, 1e-6), weight_decay=maybe(rng, 0.7, log_uniform(rng, 1e-4, 0.3), 0.0),
                amsgrad=rng.random() < 0.5, weight_decouple=rng.random() < 0.5, fixed_decay=rng.random() < 0.3,
                rectify=rng.random() < 0.5, degenerated_to_sgd=rng.random() < 0.5, print_change_log=False)


def hp_diffgrad(rng):
    return dict(lr=log_uniform(rng, 1e-4, 5e-2), betas=(rng.uniform(0.5, 0.99), rng.uniform(0.9, 0.9999)),
                eps=log_uniform(rng, 1e-10, 1e-4), weight_decay=maybe(rng, 0.6, log_uniform(rng, 1e-4, 0.1), 0.0))


def hp_adan(rng):
    return dict(lr=log_uniform(rng, 1e-4, 5e-2), betas=(rng.uniform(0.8, 0.99), rng.uniform(0.8, 0.99), rng.uniform(0.9, 0.999)),
                eps=log_uniform(rng, 1e-10, 1e-5), weight_decay=maybe(rng, 0.7, log_uniform(rng, 1e-4, 0.1), 0.0),
                max_grad_norm=maybe(rng, 0.5, rng.uniform(0.05, 5.0), 0.0), no_prox=rng.random() < 0.5, foreach=True, fused=False)


def hp_adamp(rng):
    return dict(lr=log_uniform(rng, 1e-4, 5e-2), betas=(rng.uniform(0.5, 0.99), rng.uniform(0.9, 0.9999)),
                eps=log_uniform(rng, 1e-10, 1e-5), weight_decay=maybe(rng, 0.7, log_uniform(rng, 1e-4, 0.3), 0.0),
                delta=rng.uniform(0.05, 0.3), wd_ratio=rng.uniform(0.0, 1.0), nesterov=rng.random() < 0.5)


def hp_sgdp(rng):
    momentum = maybe(rng, 0.75, rng.uniform(0.5, 0.95), 0.0)
    return dict(lr=log_uniform(rng, 1e-3, 0.1), momentum=momentum, dampening=maybe(rng, 0.3, rng.uniform(0.0, 0.5), 0.0),
                weight_decay=maybe(rng, 0.7, log_uniform(rng, 1e-4, 0.1), 0.0), nesterov=rng.random() < 0.5,
                eps=log_uniform(rng, 1e-10, 1e-5), delta=rng.uniform(0.05, 0.3), wd_ratio=rng.uniform(0.0, 1.0))


def hp_lion(rng):
    return dict(lr=log_uniform(rng, 1e-5, 1e-2), betas=(rng.uniform(0.5, 0.99), rng.uniform(0.9, 0.999)),
                weight_decay=maybe(rng, 0.7, log_uniform(rng, 1e-3, 1.0), 0.0))


def hp_lamb(rng):
    return dict(lr=log_uniform(rng, 1e-4, 5e-2), betas=(rng.uniform(0.5, 0.99), rng.uniform(0.9, 0.9999)),
                eps=log_uniform(rng, 1e-10, 1e-4), weight_decay=maybe(rng, 0.7, log_uniform(rng, 1e-4, 0.3), 0.0),
                adam=rng.random() < 0.3)


def hp_lars(rng):
    momentum = maybe(rng, 0.8, rng.uniform(0.5, 0.99), 0.0)
    return dict(lr=log_uniform(rng, 1e-3, 1.0), weight_decay=maybe(rng, 0.7, log_uniform(rng, 1e-4, 0.1), 0.0), momentum=momentum,
                dampening=maybe(rng, 0.3, rng.uniform(0.0, 0.5), 0.0), trust_coefficient=log_uniform(rng, 1e-4, 0.1),
                nesterov=momentum > 0 and rng.random() < 0.5, foreach=False, maximize=False)


def hp_sgd_sai(rng):
    return dict(lr=log_uniform(rng, 1e-4, 1e-2), momentum=rng.uniform(0.5, 0.99), eps=log_uniform(rng, 1e-10, 1e-4),
                weight_decay=maybe(rng, 0.8, log_uniform(rng, 1e-4, 0.2), 0.0))


def hp_muon(rng):
    return dict(lr=log_uniform(rng, 1e-3, 0.1), weight_decay=maybe(rng, 0.6, log_uniform(rng, 1e-3, 0.3), 0.0),
                momentum=rng.uniform(0.5, 0.99))


def hp_muon_with_aux_adam(rng):
    """The two groups' settings; a key left out is filled in by the reference's defaults (recorded as it fills them)."""
    muon = {"use_muon": True}
    if rng.random() < 0.8:
        muon.update(hp_muon(rng))
    adam = {"use_muon": False}
    if rng.random() < 0.8:
        adam.update(lr=log_uniform(rng, 1e-4, 1e-2), betas=(rng.uniform(0.5, 0.95), rng.uniform(0.9, 0.9999)),
                    eps=log_uniform(rng, 1e-12, 1e-6), weight_decay=maybe(rng, 0.6, log_uniform(rng, 1e-4, 0.2), 0.0))
    return {"groups": [muon, adam]}


# ---------------------------------------------------------------- problems
TENSOR_SHAPES = [[1], [5], [3, 4], [4, 3], [2, 3, 2], [1, 6], [6, 1]]
MATRIX_SHAPES = [[3, 4], [4, 3], [5, 5], [2, 7], [7, 2], [1, 6], [6, 1]]
BATCH_SHAPES = [[2, 3, 4], [3, 5, 2], [2, 4, 4]]
CONV_SHAPES = [[4, 2, 3, 3], [3, 2, 3, 1], [6, 1, 2, 2], [2, 3, 1, 3]]


def initial(rng, shape):
    scale = log_uniform(rng, 0.05, 5.0)
    g = torch.Generator().manual_seed(rng.randrange(2**31))
    return torch.randn(shape, generator=g) * scale


def random_gradient(rng, shape):
    r = rng.random()
    if r < 0.08:
        return torch.zeros(shape)
    g = torch.Generator().manual_seed(rng.randrange(2**31))
    grad = torch.randn(shape, generator=g) * log_uniform(rng, 1e-4, 1e3)
    if r < 0.25:
        mask = torch.rand(shape, generator=g) < 0.4
        grad = grad.masked_fill(mask, 0.0)
    return grad


def shapes_for(optimizer, rng):
    if optimizer == "muon_with_aux_adam":
        # the Muon group's tensors first (a matrix and a batch of matrices or a convolution weight), then the Adam group's
        # (vectors, matrices and 3-D tensors alike: the group decides, not the shape)
        return [rng.choice(MATRIX_SHAPES), rng.choice(BATCH_SHAPES + CONV_SHAPES)] + \
               [rng.choice(TENSOR_SHAPES) for _ in range(rng.randint(1, 3))]
    if optimizer == "muon":
        # a matrix, a batch of matrices and a convolution weight (square kernel or not) in every draw
        return [rng.choice(MATRIX_SHAPES), rng.choice(BATCH_SHAPES), rng.choice(CONV_SHAPES)]
    return [rng.choice(TENSOR_SHAPES) for _ in range(rng.randint(2, 4))]


def least_squares_data(rng):
    n, d, k = rng.randint(5, 12), rng.randint(2, 6), rng.randint(1, 4)
    g = torch.Generator().manual_seed(rng.randrange(2**31))
    x = torch.randn(n, d, generator=g)
    y = torch.randn(n, k, generator=g) * log_uniform(rng, 0.1, 10.0)
    return {"X": x, "Y": y}, [[d, k], [k]]


def scale_invariant_data(rng):
    n, rows, cols = rng.randint(5, 12), rng.randint(2, 5), rng.randint(2, 5)
    g = torch.Generator().manual_seed(rng.randrange(2**31))
    return {"X": torch.randn(n, cols, generator=g), "Y": torch.randn(n, rows, generator=g),
            "T": torch.randn(2, 2, 2, generator=g) * 0.3}, [[rows, cols], [rows], [2, 2, 2]]


def loss_fn(problem, params, data):
    if problem == "least-squares":
        return ((data["X"] @ params[0] + params[1] - data["Y"]) ** 2).mean()
    w, b, p = params
    wn = w / w.norm(dim=1, keepdim=True)
    pn = p / p.norm()
    return ((data["X"] @ wn.T + b - data["Y"]) ** 2).mean() + ((pn - data["T"]) ** 2).mean()


# ---------------------------------------------------------------- references
def references(refs):
    """Each optimizer's constructor factory (imported when first called, so --only needs only its own reference), sampler, origin."""
    sys.path.insert(0, refs)
    import torch.optim.lr_scheduler as sched
    if not hasattr(sched, "LRScheduler"):  # pytorch_optimizer's type module names the 2.x class
        sched.LRScheduler = sched._LRScheduler

    def ref(name, cls):
        return lambda: getattr(importlib.import_module(f"{name}_ref"), cls)

    def muon(cls):
        def load():
            # Muon's float64 variant: the reference with its bfloat16 cast of G replaced by a copy, and nothing else changed.
            source = open(f"{refs}/muon_ref.py").read()
            assert source.count("X = G.bfloat16()") == 1
            module = {}
            exec(compile(source.replace("X = G.bfloat16()", "X = G.clone()"), "muon_ref_float64", "exec"), module)
            return module[cls]
        return load

    return {
        "sgd": (lambda: torch.optim.SGD, hp_sgd, ("pytorch/pytorch", "torch/optim/sgd.py", "SGD")),
        "adam": (lambda: torch.optim.Adam, hp_adam, ("pytorch/pytorch", "torch/optim/adam.py", "Adam")),
        "adamw": (lambda: torch.optim.AdamW, lambda r: hp_adam(r, True), ("pytorch/pytorch", "torch/optim/adamw.py", "AdamW")),
        "adagrad": (lambda: torch.optim.Adagrad, hp_adagrad, ("pytorch/pytorch", "torch/optim/adagrad.py", "Adagrad")),
        "adabelief": (ref("adabelief", "AdaBelief"), hp_adabelief, ("juntang-zhuang/Adabelief-Optimizer", "AdaBelief.py", "AdaBelief")),
        "diffgrad": (ref("diffgrad", "diffgrad"), hp_diffgrad, ("shivram1987/diffGrad", "diffGrad_v2.py", "diffgrad")),
        "adan": (ref("adan", "Adan"), hp_adan, ("sail-sg/Adan", "adan.py", "Adan")),
        "adamp": (ref("adamp", "AdamP"), hp_adamp, ("clovaai/AdamP", "adamp/adamp.py", "AdamP")),
        "sgdp": (ref("sgdp", "SGDP"), hp_sgdp, ("clovaai/AdamP", "adamp/sgdp.py", "SGDP")),
        "lion": (ref("lion", "Lion"), hp_lion, ("google/automl", "lion/lion_pytorch.py", "Lion")),
        "lamb": (ref("lamb", "Lamb"), hp_lamb, ("cybertronai/pytorch-lamb", "pytorch_lamb/lamb.py", "Lamb")),
        "lars": (ref("lars", "LARS"), hp_lars, ("kozistr/pytorch_optimizer", "pytorch_optimizer/optimizer/lars.py", "LARS")),
        "sgd_sai": (ref("sgd_sai", "SGD_sai"), hp_sgd_sai, ("AnonymousAlethiometer/SGD_SaI", "sgd_sai/sgd_sai.py", "SGD_sai")),
        "muon": (muon("SingleDeviceMuon"), hp_muon, ("KellerJordan/Muon", "muon.py", "SingleDeviceMuon")),
        # Added later, with a random stream of its own (see main), so that adding it left the files above unchanged.
        "muon_with_aux_adam": (muon("SingleDeviceMuonWithAuxAdam"), hp_muon_with_aux_adam,
                               ("KellerJordan/Muon", "muon.py", "SingleDeviceMuonWithAuxAdam")),
    }


# Optimizers drawn from a stream of their own (seeded by --seed and their name), not the shared one: --only may pick them.
OWN_STREAM = {"muon_with_aux_adam"}


def jsonable(hp):
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in hp.items()}


def run_case(optimizer, ctor, hp, problem, rng, steps):
    data, shapes = {}, None
    if problem == "fixed-gradients":
        shapes = shapes_for(optimizer, rng)
    elif problem == "least-squares":
        data, shapes = least_squares_data(rng)
    else:
        data, shapes = scale_invariant_data(rng)
    init = [initial(rng, s) for s in shapes]
    params = [torch.nn.Parameter(t.clone()) for t in init]
    if optimizer == "muon_with_aux_adam":
        # least-squares: W to Muon, b to Adam; fixed-gradients: the first two tensors to Muon, the rest to Adam
        muon_count = 1 if problem == "least-squares" else 2
        members = [list(range(muon_count)), list(range(muon_count, len(params)))]
        groups = [dict(g, params=[params[i] for i in idx]) for g, idx in zip(hp["groups"], members)]
        opt = ctor(groups)
        # the effective settings, the reference's defaults filled in, as the file records them
        hp.clear()
        hp["param_groups"] = [dict({k: (list(v) if isinstance(v, tuple) else v) for k, v in g.items() if k != "params"}, params=idx)
                              for g, idx in zip(opt.param_groups, members)]
    else:
        # Muon sorts its parameters by size; hand it a list and keep our order for the file.
        opt = ctor(list(params), **hp)
    restart_after = rng.randint(steps // 3, 2 * steps // 3) if optimizer == "adan" and rng.random() < 0.4 else None
    grads, traj, losses = [], [], []
    for t in range(steps):
        if problem == "fixed-gradients":
            for p, s in zip(params, shapes):
                p.grad = random_gradient(rng, s)
        else:
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(problem, params, data)
            losses.append(float(loss.item()))
            loss.backward()
        grads.append([flat(p.grad) for p in params])
        opt.step()
        traj.append([flat(p) for p in params])
        if restart_after is not None and t + 1 == restart_after:
            opt.restart_opt()
        if not all(torch.isfinite(p).all() for p in params):
            return None
    out = {"params": [{"name": f"p{i}", "shape": list(s)} for i, s in enumerate(shapes)],
           "initial_params": [flat(t) for t in init], "gradients": grads, "trajectory": traj,
           "events": [] if restart_after is None else [{"after_step": restart_after, "call": "restart_opt"}]}
    if problem != "fixed-gradients":
        out["problem_data"] = {k: {"shape": list(v.shape), "data": flat(v)} for k, v in data.items()}
        out["loss"] = losses
        out["final_loss"] = float(loss_fn(problem, params, data).item())
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--refs", required=True)
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--only", nargs="*", default=None,
                        help="rewrite only these optimizers' files (each must draw from its own stream) and keep index.json's other entries")
    args = parser.parse_args()
    refs = references(args.refs)
    if args.only is not None and not set(args.only) <= OWN_STREAM:
        parser.error(f"--only takes optimizers with a stream of their own: {sorted(OWN_STREAM)}")
    shared = random.Random(args.seed)
    entries = []
    for optimizer, (factory, sample, (repo, path, cls)) in refs.items():
        if args.only is not None and optimizer not in args.only:
            continue
        ctor = factory()
        rng = random.Random(f"{args.seed}:{optimizer}") if optimizer in OWN_STREAM else shared
        problems = ["fixed-gradients"] * 4 + ["least-squares"] * 2
        if optimizer in ("adamp", "sgdp"):
            problems = ["fixed-gradients"] * 3 + ["least-squares", "scale-invariant", "scale-invariant"]
        if optimizer == "muon":
            problems = ["fixed-gradients"] * CASES_PER_OPTIMIZER
        if optimizer == "muon_with_aux_adam":
            problems = ["fixed-gradients"] * 4 + ["least-squares"] * 2
        for k, problem in enumerate(problems[:CASES_PER_OPTIMIZER]):
            case = None
            while case is None:  # redraw a setting that diverges (rare; recorded draws stay finite)
                hp = sample(rng)
                steps = rng.randint(25, 45)
                case = run_case(optimizer, ctor, hp, problem, rng, steps)
            setting = f"fuzz{k}"
            doc = {
                "schema_version": 1, "optimizer": optimizer, "optimizer_display_name": f"{cls} ({repo})", "setting": setting,
                "problem": problem, "visibility": "public", "dtype": "float64",
                "reference": {"repo": repo, "path": path, "class": cls,
                              "version": "torch 1.13.1" if repo == "pytorch/pytorch" else "at the commit ../optimizers/README.md names"},
                "runtime": {"torch": torch.__version__, "python": platform.python_version(), "numpy": numpy.__version__,
                            "torch_default_dtype": "float64"},
                "hyperparameters": jsonable(hp),
                "notes": ["Random draw of make_fuzz_golden.py; see README.md." +
                          (" Muon's Newton-Schulz in float64 (the reference's bfloat16 cast replaced by a copy)." if optimizer.startswith("muon") else "")],
                "steps": steps,
                "protocol": "as ../optimizers/README.md: for t in 0..steps-1: set or compute gradients, step(), record params.",
                "tolerance": TOL,
            }
            if optimizer.startswith("muon"):
                doc["newton_schulz_dtype"] = "float64"
            if problem == "least-squares":
                doc["loss_definition"] = "f(W, b) = mean((X @ W + b - Y)^2)"
            elif problem == "scale-invariant":
                doc["loss_definition"] = "mean((X @ Wn^T + b - Y)^2) + mean((Pn - T)^2), Wn = W / row norms, Pn = P / ||P||"
            doc.update(case)
            name = f"fuzz__{optimizer}__{setting}__{problem}.json"
            with open(name, "w") as f:
                json.dump(doc, f)
                f.write("\n")
            entries.append({"file": name, "optimizer": optimizer, "setting": setting, "problem": problem, "tolerance": TOL})
    if args.only is not None:
        with open("index.json") as f:
            kept = [e for e in json.load(f)["files"] if e["optimizer"] not in args.only]
        entries = kept + entries
    with open("index.json", "w") as f:
        json.dump({"schema_version": 1, "files": entries}, f, indent=1)
        f.write("\n")
    print(f"wrote {len(entries)} files")


if __name__ == "__main__":
    main()
