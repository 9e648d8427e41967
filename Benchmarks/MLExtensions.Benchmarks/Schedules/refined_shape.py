"""Reads the CSV of `schedules --dump-refined FILE` and prints the refined schedule's shape and its largest difference from
D1's reference recipe (ALGORITHMS.md: scipy's median filter over the end-reflected norms, w = 1/G for l1 norms,
eta_t ~ w_t * sum_{p>t} w_p, divided by its maximum). Usage: python3 refined_shape.py FILE [SEED]"""
import sys

import numpy as np
import pandas as pd
from scipy.ndimage import median_filter

frame = pd.read_csv(sys.argv[1])
seed = int(sys.argv[2]) if len(sys.argv) > 2 else int(frame.seed.iloc[0])
d = frame[frame.seed == seed]
g = d.l1_norm.values
T = len(g)
width = 2 * int(0.1 * T / 2) + 1
smoothed = median_filter(np.pad(g, (0, 2 * width), "reflect"), size=width, mode="nearest")[:-2 * width]
w = 1 / smoothed
tail = np.concatenate([np.cumsum(w[::-1])[::-1][1:], [0.0]])
reference = w * tail / (w * tail).max()
refined = d.refined.values
print(f"seed {seed}: {T} steps, median width {width}; max |ours - reference| = {np.abs(refined - reference).max():.3g}")
print("l1 norm, first 4 steps:", np.round(g[:4], 1), "; per-epoch medians:",
      [round(float(np.median(g[i * T // 5:(i + 1) * T // 5])), 1) for i in range(5)])
print("smoothed l1 at 1%, 5%, 10%, 25%, 50%, 75%, 90%:", [round(float(smoothed[int(f * T)]), 1) for f in (.01, .05, .1, .25, .5, .75, .9)])
print("refined at 0%, 1%, 5%, 10%, 25%, 50%, 75%, 90%:", [round(float(refined[int(f * T)]), 3) for f in (0, .01, .05, .1, .25, .5, .75, .9)])
print(f"steps with factor > 0.6: {(refined > 0.6).sum()}; mean factor {refined.mean():.3f} (linear decay {d.linear_decay.mean():.3f})")
