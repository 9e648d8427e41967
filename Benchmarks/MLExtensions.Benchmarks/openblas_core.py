"""Makes Debian's OpenBLAS use kernels the CPU supports, for the Python reference scripts (PyTorch, the authors' GBNN).

OpenBLAS 0.3.21 (Debian 12) does not know CPUs newer than itself: on an Intel Xeon of family 6, model 207 (AVX-512 with
BF16) its detection falls back to the generic "Prescott" kernels. Measured there: float64 500x64 by 64x500 products 5x slower
(serial build) and torch's 2-thread float32 128x784 by 784x256 products 3x slower than with OPENBLAS_CORETYPE naming the CPU's
family. A reference running on fallback kernels would make our figures look better than they are, so `name_core()` restarts
the script with OPENBLAS_CORETYPE set to the family the CPU's flags support when detection fell back to a generic core.
A value the user set is kept; on CPUs OpenBLAS knows (e.g. AMD Zen, detected as "Zen") nothing changes.
"""
import ctypes
import os
import sys

# OpenBLAS's names for pre-AVX generic kernels, which its detection reports for CPUs it does not know.
_GENERIC_CORES = {"prescott", "core2", "penryn", "dunnington", "nehalem", "katmai", "coppermine", "northwood", "banias", "atom"}


def loaded_openblas():
    """The path of the OpenBLAS library this process mapped, or None (no OpenBLAS, or no /proc)."""
    try:
        with open("/proc/self/maps") as maps:
            paths = sorted({line.split()[-1] for line in maps if "openblas" in os.path.basename(line.split()[-1])})
    except OSError:
        return None
    return paths[0] if paths else None


def corename():
    """The kernel family OpenBLAS uses (openblas_get_corename), or None when the BLAS is not OpenBLAS."""
    path = loaded_openblas()
    if path is None:
        return None
    try:
        library = ctypes.CDLL(path)
        library.openblas_get_corename.restype = ctypes.c_char_p
        return library.openblas_get_corename().decode()
    except (OSError, AttributeError):
        return None


def family_for_cpu():
    """The OpenBLAS family this CPU's flags support (x86-64 Linux), or None when they do not say."""
    try:
        with open("/proc/cpuinfo") as info:
            flags = next((set(line.split(":", 1)[1].split()) for line in info if line.startswith("flags")), set())
    except OSError:
        return None
    if {"avx512f", "avx512vl", "avx512bw", "avx512dq", "avx512_bf16"} <= flags:
        return "Cooperlake"
    if {"avx512f", "avx512vl", "avx512bw", "avx512dq"} <= flags:
        return "SkylakeX"
    if {"avx2", "fma"} <= flags:
        return "Haswell"
    return None


def name_core():
    """Call after numpy or torch is imported and before any timing: restarts the script with OPENBLAS_CORETYPE naming the CPU's
    family when OpenBLAS fell back to generic kernels and the variable is unset; otherwise returns."""
    if "OPENBLAS_CORETYPE" in os.environ:
        return
    detected = corename()
    family = family_for_cpu()
    if detected is None or detected.lower() not in _GENERIC_CORES or family is None:
        return
    os.environ["OPENBLAS_CORETYPE"] = family
    os.execv(sys.executable, [sys.executable] + sys.argv)
