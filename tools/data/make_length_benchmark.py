#!/usr/bin/env python3
"""Two regression sets with the same number of real steps, for the variable-length speed check.

  <out>/uniform.jsonl  N sequences of lengths drawn uniformly from 16..256
  <out>/equal.jsonl    as many sequences, every one as long as the first file's mean length
Each step has 8 Gaussian features; the target is the mean of the first feature. Needs nothing but Python.
"""
import argparse
import json
import os
import random


def write(path, lengths, rng):
    with open(path, "w") as f:
        for n in lengths:
            x = [[round(rng.gauss(0, 1), 4) for _ in range(8)] for _ in range(n)]
            f.write(json.dumps({"x": x, "y": round(sum(v[0] for v in x) / n, 6)}) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="length-benchmark")
    parser.add_argument("--sequences", type=int, default=2048)
    args = parser.parse_args()
    rng = random.Random(1)
    uniform = [rng.randint(16, 256) for _ in range(args.sequences)]
    mean = round(sum(uniform) / len(uniform))
    os.makedirs(args.out, exist_ok=True)
    write(os.path.join(args.out, "uniform.jsonl"), uniform, rng)
    write(os.path.join(args.out, "equal.jsonl"), [mean] * args.sequences, rng)
    print(f"{args.sequences} sequences each: lengths 16..256 ({sum(uniform)} steps), and all of length {mean} ({mean * args.sequences} steps)")


if __name__ == "__main__":
    main()
