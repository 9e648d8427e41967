#!/usr/bin/env bash
# Prepares everything the GPU check needs in artifacts/gpu (ignored by git; the device tool carries it), on the build machine:
#   gpucheck.tar.xz        the self-contained GPU check (no .NET on the GPU machine), without what the check never loads
#   libtorchsharp-src/     TorchSharp's native glue sources (MIT, src/Native of dotnet/TorchSharp at 0.107.0), built there
#   fashion-mnist/         Fashion-MNIST for the epoch timing beside PyTorch on the same GPU: the first 30,000 training images
#                          (what travels is limited to 64 MiB with the working tree) and all 10,000 test images
# Usage, from the repository root:
#   bash Benchmarks/MLExtensions.GpuCheck/prepare-gpu-check.sh TORCHSHARP_GIT_DIR [FASHION_MNIST_DIR]
#   TORCHSHARP_GIT_DIR: a clone or bare mirror of dotnet/TorchSharp (the tool `fetch github:dotnet/TorchSharp` gives one)
#   FASHION_MNIST_DIR: default ../shared/data/fashion-mnist
# Then run the check with the device tool, carrying artifacts/gpu:  bash Benchmarks/MLExtensions.GpuCheck/run-on-gpu.sh
set -euo pipefail
git_dir=$1
data=${2:-../shared/data/fashion-mnist}
out=artifacts/gpu
rm -rf "$out" && mkdir -p "$out/libtorchsharp-src/LibTorchSharp" "$out/fashion-mnist"

# TorchSharp 0.107.0: the tag when the clone has it, else TORCHSHARP_REV, else HEAD; its version file must say 0.107.
rev=${TORCHSHARP_REV:-v0.107.0}
git --git-dir="$git_dir" rev-parse -q --verify "$rev^{commit}" >/dev/null || rev=HEAD
branch_info=$(git --git-dir="$git_dir" show "$rev:build/BranchInfo.props")
grep -q '<MinorVersion>107</MinorVersion>' <<<"$branch_info" \
    || { echo "$git_dir at $rev is not TorchSharp 0.107; set TORCHSHARP_REV to its 0.107.0 commit" >&2; exit 1; }
for f in Stdafx.h UnixSal.h; do git --git-dir="$git_dir" show "$rev:src/Native/$f" >"$out/libtorchsharp-src/$f"; done
git --git-dir="$git_dir" archive "$rev" src/Native/LibTorchSharp | tar -x --strip-components=3 -C "$out/libtorchsharp-src/LibTorchSharp"
git --git-dir="$git_dir" show "$rev:LICENSE.txt" >"$out/libtorchsharp-src/LICENSE.txt"
echo "TorchSharp $(git --git-dir="$git_dir" rev-parse "$rev") ($rev)" >"$out/libtorchsharp-src/SOURCE"

cp "$data"/t10k-*-ubyte.gz "$out/fashion-mnist/"
python3 "$(dirname "$0")/truncate_idx.py" "$data" "$out/fashion-mnist" 30000

publish=$(mktemp -d)
dotnet publish Benchmarks/MLExtensions.GpuCheck -c Release -r linux-x64 --self-contained true -o "$publish/gpucheck" -v quiet
# Never loaded by the check: ONNX Runtime (scoring through ONNX), the debugger's, dump and trace helpers, symbols, XML docs.
rm -f "$publish"/gpucheck/{libonnxruntime.so,createdump,libmscordbi.so,libmscordaccore.so,libcoreclrtraceptprovider.so} \
      "$publish"/gpucheck/*.pdb "$publish"/gpucheck/*.xml "$publish"/gpucheck/*.dbg
XZ_OPT=-9 tar -C "$publish" -cJf "$out/gpucheck.tar.xz" gpucheck
rm -rf "$publish"
du -sh "$out"/*
tracked=$(git ls-files -z | xargs -0 du -cb | tail -1 | cut -f1)
carried=$(du -sb "$out" | cut -f1)
echo "working tree $((tracked / 1048576)) MiB + artifacts/gpu $((carried / 1048576)) MiB (the device tool takes 64 MiB in all)"
