"""Summarizes the per-seed rows of one or more `-- gbnn-reference` logs (this folder's *.txt) into the README's table.

    python3 summarize.py gbnn-reference-2026-12-02.txt

Per data set and setting, over the seeds both sides finished (a seed counts only when ours and the reference both have it):
- metric: mean ± standard error per side (standard error = sample standard deviation, n − 1, over √n);
- ours − reference: the difference of the means and, in brackets, that difference over its standard error
  √(se_ours² + se_reference²) (the two sides draw from different generators, so seeds do not pair their fits); "equal accuracy"
  in the README means |that ratio| ≤ 2;
- fit s: the median wall-clock and, in brackets, the median process-CPU fit seconds per side;
- speed: the reference's median fit seconds over ours (a ratio of medians), wall-clock and (CPU);
- CPU speed per seed: the smallest and largest of the per-seed ratios reference CPU s / ours CPU s (ours and the reference of one
  seed run one after the other, so each ratio sees one machine state);
- evaluations: the mean L-BFGS objective evaluations per fit, per side.
When a file holds the same seed twice for a cell, the later row wins.
"""
import math, statistics, sys
from collections import defaultdict

rows = defaultdict(dict)
for path in sys.argv[1:]:
    for line in open(path, encoding="utf-8"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        # per-seed rows only: a complete log's summary table has 9 cells too, and its header says "ours" and "reference" as well
        if len(cells) != 9 or not cells[2].isdigit() or cells[3] not in ("ours", "reference"):
            continue
        data, setting, seed, side = cells[:4]
        rows[(data, setting)][(int(seed), side)] = tuple(float(c) for c in cells[4:])


def mean_se(values):
    mean = statistics.mean(values)
    se = statistics.stdev(values) / len(values) ** 0.5 if len(values) > 1 else float("nan")
    return mean, se


print("| data | setting | seeds | metric: ours | metric: reference | ours − reference (in SE) | fit s ours (CPU) | fit s reference (CPU) "
      "| speed, wall (CPU) | CPU speed per seed | evaluations ours / reference |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for (data, setting), runs in rows.items():
    seeds = sorted(s for s, side in runs if side == "ours" and (s, "reference") in runs)
    if not seeds:
        continue
    ours = [runs[(s, "ours")] for s in seeds]
    ref = [runs[(s, "reference")] for s in seeds]
    (mo, so), (mr, sr) = mean_se([r[0] for r in ours]), mean_se([r[0] for r in ref])
    z = (mo - mr) / math.hypot(so, sr) if math.hypot(so, sr) > 0 else float("nan")
    med = lambda rs, i: statistics.median(r[i] for r in rs)
    paired = [r[2] / o[2] for o, r in zip(ours, ref)]
    print(f"| {data} | {setting} | {len(seeds)} ({','.join(map(str, seeds))}) | {mo:.4f} ± {so:.4f} | {mr:.4f} ± {sr:.4f} | {mo - mr:+.4f} ({z:+.1f}) "
          f"| {med(ours, 1):.1f} ({med(ours, 2):.2f}) | {med(ref, 1):.1f} ({med(ref, 2):.2f}) "
          f"| {med(ref, 1) / med(ours, 1):.1f}× ({med(ref, 2) / med(ours, 2):.1f}×) | {min(paired):.1f}–{max(paired):.1f}× "
          f"| {statistics.mean(r[3] for r in ours):.0f} / {statistics.mean(r[3] for r in ref):.0f} |")
