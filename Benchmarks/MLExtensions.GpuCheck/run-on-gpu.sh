#!/usr/bin/env bash
# Runs the GPU check on a machine with an NVIDIA GPU and a CUDA build of PyTorch, but no .NET and no network.
# Prepare on the build machine:
#   dotnet publish Benchmarks/MLExtensions.GpuCheck -c Release -r linux-x64 --self-contained true -o /tmp/gpucheck
#   tar -C /tmp -cJf artifacts/gpucheck.tar.xz gpucheck
# Then on the GPU machine, from the repository root: bash Benchmarks/MLExtensions.GpuCheck/run-on-gpu.sh
# libtorch comes from the PyTorch install (TorchSharp 0.107 is built against libtorch 2.10; the check reports whether the
# installed version works with it).
set -euo pipefail
work=$(mktemp -d)
tar -C "$work" -xJf artifacts/gpucheck.tar.xz
torch_lib=$(python3 -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')
python3 -c 'import torch; print("PyTorch", torch.__version__, "CUDA", torch.version.cuda, torch.cuda.get_device_name(0))'
export LD_LIBRARY_PATH="$torch_lib:${LD_LIBRARY_PATH:-}"
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
"$work/gpucheck/MLExtensions.GpuCheck"
# Result on 2026-11-27 (NVIDIA H200, PyTorch 2.11.0+cu130): CUDA initializes, torch.cuda.is_available() is true,
# DeviceKind.Auto resolves to CUDA, tensor creation, matmul and seeded randperm on CUDA work; the first MLP
# forward/backward/optimizer step aborts with heap corruption: libtorch 2.11's C++ ABI differs from the 2.10 that
# TorchSharp 0.107 is built against. A full run needs libtorch 2.10 CUDA (the TorchSharp-cuda-linux 0.107 packages),
# which the registry here does not serve.
