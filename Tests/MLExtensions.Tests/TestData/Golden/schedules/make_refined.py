"""Reference for RefinedSchedule (Defazio et al., "When, Why and How Much?", ALGORITHMS.md D1), written independently from
the paper's description: median-filter the gradient norms (width 2*floor(0.1*T/2)+1, the tail padded by reflection, scipy's
'nearest' edges), weights G^-p, eta_t = w_t * sum_{s>t} w_s, normalized by its maximum.
Run with Debian's python3-numpy and python3-scipy: python3 make_refined.py > refined_schedules.json"""
import json
import numpy as np
from scipy.ndimage import median_filter


def refine(norms, power):
    g = np.asarray(norms, dtype=np.float64)
    t = len(g)
    w = 2 * int(0.1 * t / 2) + 1
    smoothed = median_filter(np.pad(g, (0, 2 * w), "reflect"), size=w, mode="nearest")[:-2 * w]
    weights = smoothed ** (-power)
    tail = np.concatenate([np.cumsum(weights[::-1])[::-1][1:], [0.0]])
    eta = weights * tail
    return (eta / eta.max()).tolist()


rng = np.random.default_rng(7)
cases = {
    "noisy_l2": (np.abs(1.0 + 0.3 * rng.standard_normal(120)).tolist(), 2),
    "noisy_l1": (np.abs(5.0 + 2.0 * rng.standard_normal(75)).tolist(), 1),
    "rising_l2": (np.linspace(0.1, 3.0, 60).tolist(), 2),
    "spiky_l2": ([1.0] * 20 + [50.0] + [1.0] * 19, 2),
    "short_l1": ([3.0, 1.0, 2.0, 4.0, 0.5, 2.5, 1.5], 1),
}
print(json.dumps({
    "source": "make_refined.py (numpy %s, scipy median_filter)" % np.__version__,
    "cases": {name: {"power": p, "norms": n, "factors": refine(n, p)} for name, (n, p) in cases.items()},
}, indent=1))
