"""Writes the first ROWS images and labels of Fashion-MNIST's training IDX files (gzip) into TARGET, headers adjusted.

Usage: python3 truncate_idx.py SOURCE TARGET ROWS   (standard library only)
"""
import gzip
import struct
import sys


def main():
    source, target, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
    for name, magic, row_bytes in (("train-images-idx3-ubyte.gz", 2051, 784), ("train-labels-idx1-ubyte.gz", 2049, 1)):
        with gzip.open(f"{source}/{name}") as f:
            data = f.read()
        found, count = struct.unpack(">ii", data[:8])
        if found != magic or count < rows:
            sys.exit(f"{source}/{name}: magic {found}, {count} rows; need magic {magic} and at least {rows} rows")
        header = 16 if magic == 2051 else 8
        with gzip.open(f"{target}/{name}", "wb", compresslevel=9) as f:
            f.write(data[:4] + struct.pack(">i", rows) + data[8:header] + data[header:header + rows * row_bytes])


if __name__ == "__main__":
    main()
