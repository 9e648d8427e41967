#!/usr/bin/env bash
# The GPU check, on a machine with an NVIDIA GPU and a CUDA build of PyTorch but no .NET and no network (the device tool's
# machine). Prepare artifacts/gpu first with prepare-gpu-check.sh; then, carrying artifacts/gpu, from the repository root:
#   bash Benchmarks/MLExtensions.GpuCheck/run-on-gpu.sh [RESULT_DIR]
# Steps, each with its own time limit so one hang cannot eat the lease (about 6 minutes in all on an H200 with 16 cores):
#   1. build TorchSharp's native glue against this machine's libtorch (build-libtorchsharp.sh), because TorchSharp 0.107's
#      packaged glue is built for libtorch 2.10 and this machine's PyTorch can have another version and C++ ABI;
#   2. the GPU check (Program.cs): CUDA smoke, the three neural trainers on CUDA and on the CPU, the same quality on both,
#      and the -- fashion-mnist protocol (MLP 784-256-128-10, Adam 1e-3, batch 128, 5 epochs) on CUDA;
#   3. PyTorch on the same GPU with the same protocol (reference_fashion_mnist.py --device cuda).
# Everything goes to RESULT_DIR (default $OUT, else ./gpu-result): build.log, gpucheck.log, pytorch.json, summary.txt.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
gpu="$repo/artifacts/gpu"
result=${1:-${OUT:-$repo/gpu-result}}
mkdir -p "$result"
summary="$result/summary.txt"
say() { echo "$*" | tee -a "$summary"; }
[[ -f $gpu/gpucheck.tar.xz ]] || { say "artifacts/gpu/gpucheck.tar.xz is missing: run prepare-gpu-check.sh and carry artifacts/gpu"; exit 2; }

say "== machine: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | head -1), $(nproc) cores"
say "== $(python3 -c 'import torch; print("PyTorch", torch.__version__, "CUDA", torch.version.cuda, "C++11 ABI", int(torch._C._GLIBCXX_USE_CXX11_ABI))' 2>&1)"
say "== $(cat "$gpu/libtorchsharp-src/SOURCE" 2>/dev/null)"

work=$(mktemp -d)
tar -C "$work" -xJf "$gpu/gpucheck.tar.xz"

started=$(date +%s)
timeout 300 bash "$here/build-libtorchsharp.sh" "$gpu/libtorchsharp-src" "$work/glue" "$(nproc)" >"$result/build-steps.log" 2>&1
built=$?
if (( built == 0 || built == 3 )); then
    cp "$work/glue/libLibTorchSharp.so" "$work/gpucheck/libLibTorchSharp.so"
    say "== LibTorchSharp built against this libtorch in $(( $(date +%s) - started )) s$( (( built == 3 )) && echo ", WITHOUT: $(grep '^FAILED' "$work/glue/build.log" | cut -d' ' -f2 | tr '\n' ' ')")"
else
    say "== LibTorchSharp build FAILED after $(( $(date +%s) - started )) s; the check runs with the packaged glue (built for libtorch 2.10)"
fi
cp "$work/glue/build.log" "$result/build.log" 2>/dev/null

torch_lib=$(python3 -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')
export LD_LIBRARY_PATH="$torch_lib:${LD_LIBRARY_PATH:-}"
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
started=$(date +%s)
timeout 240 "$work/gpucheck/MLExtensions.GpuCheck" --fashion-mnist "$gpu/fashion-mnist" >"$result/gpucheck.log" 2>&1
check=$?
say "== GPU check: exit code $check after $(( $(date +%s) - started )) s"
grep -E '^(PASS|FAIL)|trained on|fashion-mnist ours|GPU check' "$result/gpucheck.log" | tee -a "$summary"

started=$(date +%s)
PYTHONUNBUFFERED=1 timeout 180 python3 "$repo/Benchmarks/MLExtensions.Benchmarks/FashionMnist/reference_fashion_mnist.py" \
    --data "$gpu/fashion-mnist" --epochs 5 --threads "$(nproc)" --seed 1 --device cuda >"$result/pytorch.json" 2>"$result/pytorch.err"
say "== PyTorch on the same GPU: exit code $? after $(( $(date +%s) - started )) s"
python3 - "$result/pytorch.json" <<'EOF' | tee -a "$summary"
import json, statistics, sys
try:
    r = json.load(open(sys.argv[1]))
except Exception as e:
    print("no PyTorch result:", e); sys.exit(0)
print(f"fashion-mnist PyTorch {r['torch']} ({r.get('device')}): median epoch {statistics.median(r['epoch_seconds']):.3f} s, "
      f"fit {r['fit_seconds']:.2f} s, test accuracy {r['test_accuracy']:.4f}, epochs: " + " ".join(f"{e:.3f}" for e in r["epoch_seconds"]))
EOF
exit $check
