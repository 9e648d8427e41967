"""Summarizes the per-seed rows of one or more `-- gbnn-reference` logs (this folder's *.txt) into the README's table.

    python3 summarize.py gbnn-reference-*.txt

Per data set and setting: the seeds both sides finished (a seed counts only when ours and the reference both have it), the test
metric's mean ± standard error per side, the median wall-clock and process-CPU fit seconds per side, the reference's median over
ours (speed), and the mean L-BFGS objective evaluations per side.
"""
import statistics, sys
from collections import defaultdict

rows = defaultdict(dict)
for path in sys.argv[1:]:
    for line in open(path, encoding="utf-8"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 9 or cells[3] not in ("ours", "reference"):
            continue
        data, setting, seed, side = cells[:4]
        rows[(data, setting)][(int(seed), side)] = tuple(float(c) for c in cells[4:])


def mean_se(values):
    mean = statistics.mean(values)
    se = statistics.stdev(values) / len(values) ** 0.5 if len(values) > 1 else float("nan")
    return f"{mean:.4f} ± {se:.4f}"


print("| data | setting | seeds | metric: ours | metric: reference | fit s ours (CPU) | fit s reference (CPU) | speed, wall (CPU) | evaluations ours / reference |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for (data, setting), runs in rows.items():
    seeds = sorted(s for s, side in runs if side == "ours" and (s, "reference") in runs)
    if not seeds:
        continue
    ours = [runs[(s, "ours")] for s in seeds]
    ref = [runs[(s, "reference")] for s in seeds]
    med = lambda rs, i: statistics.median(r[i] for r in rs)
    print(f"| {data} | {setting} | {len(seeds)} ({','.join(map(str, seeds))}) | {mean_se([r[0] for r in ours])} | {mean_se([r[0] for r in ref])} "
          f"| {med(ours, 1):.1f} ({med(ours, 2):.2f}) | {med(ref, 1):.1f} ({med(ref, 2):.2f}) "
          f"| {med(ref, 1) / med(ours, 1):.1f}× ({med(ref, 2) / med(ours, 2):.1f}×) "
          f"| {statistics.mean(r[3] for r in ours):.0f} / {statistics.mean(r[3] for r in ref):.0f} |")
