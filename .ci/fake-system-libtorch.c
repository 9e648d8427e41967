/* A stand-in for a system libtorch (e.g. Debian's python3-torch, which puts libtorch 1.13 into /lib): built by .ci/run as
   libtorch_cpu.so and libc10.so with those sonames and none of LibTorch's symbols, and put first on LD_LIBRARY_PATH while the
   notebooks and the training app run. Were TorchSharp to load it (its by-name lookup finds it first in a notebook kernel),
   libLibTorchSharp.so would fail to load with undefined symbols; MLExtensions loads LibTorch by full path, so it is ignored. */
int mlextensions_fake_system_libtorch(void) { return 13; }
