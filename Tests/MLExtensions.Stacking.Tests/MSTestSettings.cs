// Tests share TorchSharp's process-wide thread settings and seeds, so they run one at a time.
[assembly: DoNotParallelize]
