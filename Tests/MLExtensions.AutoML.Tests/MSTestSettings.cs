// Trainer tests share TorchSharp's process-wide thread settings and seeds, so tests run one at a time.
[assembly: DoNotParallelize]
