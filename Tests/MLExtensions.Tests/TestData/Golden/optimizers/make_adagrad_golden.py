"""Golden trajectories of torch.optim.Adagrad on the three problems of this folder (same schema as the other files).

Run with the privately unpacked torch 1.13.1 (never install python3-torch on a machine that runs TorchSharp):
    /tmp/torch-private/run-python make_adagrad_golden.py        # from this folder; writes adagrad__*.json, updates index.json
The problems' data (initial parameters, fixed gradients, X and Y) are read from the adam__defaults__*.json files here, so
every optimizer sees the same inputs.
"""
import json
import platform

import numpy
import torch

torch.set_default_dtype(torch.float64)

SETTINGS = {
    "defaults": dict(lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10),
    "nondefault": dict(lr=5e-2, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.1, eps=1e-6),
}
PROBLEMS = ["fixed-gradients", "least-squares", "rosenbrock-2d"]
TOL = {"atol": 1e-09, "rtol": 1e-09}


def tensor(values, shape):
    return torch.tensor(values, dtype=torch.float64).reshape(shape)


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def loss_fn(problem, params, data):
    if problem == "rosenbrock-2d":
        p = params[0]
        return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2
    x = tensor(data["X"]["data"], data["X"]["shape"])
    y = tensor(data["Y"]["data"], data["Y"]["shape"])
    return ((x @ params[0] + params[1] - y) ** 2).mean()


def run(setting, problem):
    src = json.load(open(f"adam__defaults__{problem}.json"))
    shapes = [p["shape"] for p in src["params"]]
    params = [torch.nn.Parameter(tensor(v, s)) for v, s in zip(src["initial_params"], shapes)]
    hp = dict(SETTINGS[setting], foreach=None, maximize=False)
    opt = torch.optim.Adagrad(params, **hp)
    grads, traj, losses = [], [], []
    data = src.get("problem_data", {})
    for t in range(src["steps"]):
        if problem == "fixed-gradients":
            for p, g, s in zip(params, src["gradients"][t], shapes):
                p.grad = tensor(g, s)
        else:
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(problem, params, data)
            losses.append(float(loss.item()))
            loss.backward()
        grads.append([flat(p.grad) for p in params])
        opt.step()
        traj.append([flat(p) for p in params])
    out = {
        "schema_version": 1,
        "optimizer": "adagrad",
        "optimizer_display_name": "Adagrad (torch.optim.Adagrad)",
        "setting": setting,
        "problem": problem,
        "visibility": "public",
        "dtype": "float64",
        "reference": {"repo": "pytorch/pytorch", "commit": None, "tag": "v1.13.1", "path": "torch/optim/adagrad.py", "sha256": None,
                      "class": "Adagrad", "version": "torch 1.13.1 (Debian python3-torch 1.13.1+dfsg-4; torch.__version__ reports 1.13.0a0)"},
        "runtime": {"torch": torch.__version__, "python": platform.python_version(), "numpy": numpy.__version__, "torch_default_dtype": "float64"},
        "hyperparameters": hp,
        "notes": ["weight_decay is L2 added to the gradient. clr = lr / (1 + (t-1) lr_decay); sum += g^2 (starts at initial_accumulator_value); "
                  "p -= clr g / (sqrt(sum) + eps). Made by make_adagrad_golden.py from the adam__defaults__ files' problem data."],
        "events": [],
        "seed": src["seed"],
        "steps": src["steps"],
        "params": src["params"],
        "initial_params": src["initial_params"],
        "protocol": src["protocol"],
    }
    if problem != "fixed-gradients":
        out["loss_definition"] = src["loss_definition"]
        if data:
            out["problem_data"] = data
    out["gradients"] = grads
    if problem != "fixed-gradients":
        out["loss"] = losses
        out["final_loss"] = float(loss_fn(problem, params, data).item())
    out["trajectory"] = traj
    out["final_state"] = [{"sum": {"shape": list(opt.state[p]["sum"].shape), "data": flat(opt.state[p]["sum"])},
                           "step": {"shape": [], "data": [float(opt.state[p]["step"])]}} for p in params]
    out["tolerance"] = TOL
    init = [tensor(v, s) for v, s in zip(src["initial_params"], shapes)]
    out["checks"] = {"max_abs_change_from_initial": max(float((p.detach() - i).abs().max()) for p, i in zip(params, init))}
    name = f"adagrad__{setting}__{problem}.json"
    with open(name, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    return {"file": name, "optimizer": "adagrad", "setting": setting, "problem": problem, "tolerance": TOL}


entries = [run(s, p) for s in SETTINGS for p in PROBLEMS]
index = json.load(open("index.json"))
index["files"] = [e for e in index["files"] if e["optimizer"] != "adagrad"] + entries
with open("index.json", "w") as f:
    json.dump(index, f, indent=1)
    f.write("\n")
print(f"wrote {len(entries)} files; index has {len(index['files'])}")
