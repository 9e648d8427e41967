#!/usr/bin/env python3
"""PyTorch reference for `-- fashion-mnist`: the same MLP, optimizer, batches and data preparation as the C# benchmark.

MLP 784-256-128-10 (ReLU, PyTorch's default initialization), Adam 1e-3, batch 128, cross-entropy, pixels scaled to [0, 1],
one torch.randperm per epoch and index_select batches (as the bare TorchSharp loop). Prints one JSON object on stdout:
{"torch": version, "threads": n, "blas": [mapped BLAS/LAPACK files], "blas_core": OpenBLAS kernel family or null (see ../openblas_core.py), "epoch_seconds": [...], "fit_seconds": s, "test_accuracy": a}, where fit_seconds also
counts building the tensors from the decoded arrays. Needs numpy and torch (Debian: python3-torch); nothing else.

Usage: python3 reference_fashion_mnist.py --data DIR [--epochs 5] [--threads 2] [--seed 1] [--device cpu|cuda]
With --device cuda (the GPU check, Benchmarks/MLExtensions.GpuCheck/run-on-gpu.sh) the data, the model and the permutation live
on the GPU and every epoch ends with torch.cuda.synchronize(), so its time counts the work the GPU was given; the JSON then
also holds "device" (the GPU's name).
"""
import argparse
import gzip
import json
import os
import struct
import sys
import time


def _threads_from_argv(default=2):
    for i, arg in enumerate(sys.argv[:-1]):
        if arg == "--threads":
            return sys.argv[i + 1]
    return str(default)


# BLAS and OpenMP read these when they load: without them Debian's OpenBLAS starts its own pool of one thread per core next to
# torch's threads, which oversubscribes a busy machine (measured: 88 s per epoch instead of about 10 s at load 40).
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, _threads_from_argv())

import numpy as np  # noqa: E402
import torch  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import openblas_core  # noqa: E402


def read_idx(path, magic):
    with gzip.open(path, "rb") as f:
        data = f.read()
    if struct.unpack(">i", data[:4])[0] != magic:
        sys.exit(f"{path} is not an IDX file with magic {magic}")
    count = struct.unpack(">i", data[4:8])[0]
    header = 16 if magic == 2051 else 8
    values = np.frombuffer(data, dtype=np.uint8, offset=header)
    return values.reshape(count, -1) if magic == 2051 else values


def load(folder, prefix):
    images = read_idx(os.path.join(folder, f"{prefix}-images-idx3-ubyte.gz"), 2051)
    labels = read_idx(os.path.join(folder, f"{prefix}-labels-idx1-ubyte.gz"), 2049)
    if images.shape[0] != labels.shape[0] or images.shape[1] != 784:
        sys.exit(f"{prefix}: {images.shape[0]} images of {images.shape[1]} pixels and {labels.shape[0]} labels")
    # The C# loader divides every byte by 255 in float32.
    return images.astype(np.float32) / np.float32(255), labels.astype(np.int64)


def loaded_blas():
    """The BLAS/LAPACK libraries this process mapped (Linux), so a result says whether it ran on OpenBLAS or reference BLAS."""
    try:
        with open("/proc/self/maps") as maps:
            return sorted({line.split()[-1] for line in maps if "blas" in line.split()[-1] or "lapack" in line.split()[-1]})
    except OSError:
        return []


def main():
    openblas_core.name_core()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="folder with the four *-ubyte.gz files")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    args = parser.parse_args()
    device = torch.device(args.device)
    on_gpu = device.type == "cuda"
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    train_x, train_y = load(args.data, "train")
    test_x, test_y = load(args.data, "t10k")

    fit_clock = time.perf_counter()
    x = torch.from_numpy(train_x).clone().to(device)
    y = torch.from_numpy(train_y).clone().to(device)
    model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128), torch.nn.ReLU(),
                                torch.nn.Linear(128, 10)).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    rows = x.shape[0]
    epoch_seconds = []
    for _ in range(args.epochs):
        clock = time.perf_counter()
        model.train()
        permutation = torch.randperm(rows, device=device)
        for start in range(0, rows, args.batch):
            index = permutation[start:start + args.batch]
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(x.index_select(0, index)), y.index_select(0, index))
            loss.backward()
            optimizer.step()
        if on_gpu:
            torch.cuda.synchronize()
        epoch_seconds.append(time.perf_counter() - clock)
    fit_seconds = time.perf_counter() - fit_clock

    model.eval()
    with torch.no_grad():
        predicted = model(torch.from_numpy(test_x).to(device)).argmax(1).cpu()
        accuracy = (predicted == torch.from_numpy(test_y)).double().mean().item()
    result = {"torch": torch.__version__, "threads": torch.get_num_threads(), "blas": loaded_blas(),
              "blas_core": openblas_core.corename(), "epoch_seconds": epoch_seconds, "fit_seconds": fit_seconds,
              "test_accuracy": accuracy}
    if on_gpu:
        result["device"] = torch.cuda.get_device_name(device)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
