#!/usr/bin/env bash
# Builds TorchSharp's native glue library, LibTorchSharp (MIT; dotnet/TorchSharp src/Native at 0.107.0), against the libtorch
# of the python3 on PATH, so TorchSharp 0.107's managed code can run on a libtorch of another version or C++ ABI (the GPU
# machine's PyTorch). No CMake: TorchSharp's CMake files expect its own build tree, and torch's CMake config wants the CUDA
# toolkit's layout; the library is one compile per source file against torch's headers and one link.
# Usage: build-libtorchsharp.sh SRC OUT [JOBS]
#   SRC: a folder holding Stdafx.h, UnixSal.h and LibTorchSharp/ (prepare-gpu-check.sh extracts them)
#   OUT: where libLibTorchSharp.so and build.log go
# Exit code 0: built; 3: built without the files that did not compile (listed in build.log); 1: no library.
set -uo pipefail
src=$(realpath "$1"); out=$(realpath -m "$2"); jobs=${3:-$(nproc)}
mkdir -p "$out/obj"
log="$out/build.log"
torch_dir=$(python3 -c 'import os, torch; print(os.path.dirname(torch.__file__))')
abi=$(python3 -c 'import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))')
echo "libtorch: $torch_dir (C++11 ABI $abi), $(${CXX:-g++} --version | head -1), $jobs jobs" | tee "$log"
flags=(-std=c++17 -O2 -fPIC -w -D_GLIBCXX_USE_CXX11_ABI="$abi" -I"$src" -I"$src/LibTorchSharp"
       -isystem "$torch_dir/include" -isystem "$torch_dir/include/torch/csrc/api/include")
export CXX=${CXX:-g++} CC=${CC:-gcc} out log
export FLAGS="${flags[*]}"
compile() {
    local file=$1 name; name=$(basename "$file"); name=${name%.*}
    local compiler=$CXX; [[ $file == *.c ]] && compiler=$CC
    # shellcheck disable=SC2086
    if ! $compiler $FLAGS -c "$file" -o "$out/obj/$name.o" 2>"$out/obj/$name.err"; then
        echo "FAILED $name"; return 1
    fi
    echo "compiled $name"
}
export -f compile
started=$(date +%s)
find "$src/LibTorchSharp" -name '*.cpp' -o -name '*.c' | sort | xargs -P "$jobs" -I{} bash -c 'compile "$@"' _ {} | tee -a "$log"
failed=$(grep -c '^FAILED' "$log")
echo "compile: $(( $(date +%s) - started )) s, $failed file(s) failed" | tee -a "$log"
if (( failed > 0 )); then
    for err in "$out"/obj/*.err; do
        [[ -s $err ]] && { echo "== $(basename "$err" .err)"; grep -m 20 'error' "$err"; } >>"$log"
    done
    # Link what compiled anyway: a file that does not compile against this libtorch (torch.export, vision, data sets) is often
    # one the check never calls, and a missing export then shows as an EntryPointNotFoundException naming the function.
    echo "PARTIAL: $failed file(s) did not compile (first errors of each in $log); linking the rest" | tee -a "$log"
fi
libs=(-ltorch -ltorch_cpu -lc10)
[[ -e $torch_dir/lib/libtorch_cuda.so ]] && libs+=(-ltorch_cuda -lc10_cuda)
if ! $CXX -shared -o "$out/libLibTorchSharp.so" "$out"/obj/*.o -L"$torch_dir/lib" -Wl,-rpath,"$torch_dir/lib" -Wl,--no-as-needed "${libs[@]}" 2>>"$log"; then
    echo "link failed (see $log)" >&2
    exit 1
fi
echo "linked $out/libLibTorchSharp.so against ${libs[*]}" | tee -a "$log"
(( failed == 0 )) || exit 3
