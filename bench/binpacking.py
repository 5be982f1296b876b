"""Benchmark: bin packing instances solved as plans with packing (`planner binpack`).

With FILE... (BPPLIB, OR-Library or VPSolver .vbp files) and optionally --published CSV
(name,bins of a published solver), it runs them and compares. Without files it generates
instances in Falkenauer's two classes with a fixed seed: uniform (120 items in 20..100,
capacity 150; no optimum known in advance, the plan's lower bound says how far it can be)
and triplets (60 items in bins of 1000, each bin three items that fill it exactly, so the
optimum is n/3 by construction). Figures are printed, never asserted.
Run: `make bench-binpack` or `python bench/binpacking.py [FILE...] [--published CSV]`.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from planner import pipeline
from planner.cli.binpack import outcome, published, table
from planner.importers.binpacking import Instance, parse, validated


def generated(seed: int = 2021, each: int = 5) -> list[Instance]:
    rng, out = random.Random(seed), []
    for k in range(each):
        weights = [rng.randint(20, 100) for _ in range(120)]
        out.append(parse("120\n150\n" + "\n".join(map(str, weights)), f"u120_gen{k}")[0])
    for k in range(each):
        weights = []
        for _ in range(20):
            a = rng.randint(380, 490)
            b = rng.randint(250, 1000 - a - 250)
            weights += [a, b, 1000 - a - b]
        inst = parse("60\n1000\n" + "\n".join(map(str, weights)), f"t60_gen{k}")[0]
        out.append(Instance(inst.name, inst.capacity, inst.items, best_known=20))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--published", type=Path)
    args = parser.parse_args()
    known = published(args.published)
    instances = [i for f in args.files for i in parse(f.read_text(), f.stem)] or generated()
    rows = []
    for inst in instances:
        inventory, catalog = validated(inst)
        start = time.perf_counter()
        run = pipeline.plan(inventory, catalog)
        rows.append(outcome(inst, run.plan, time.perf_counter() - start,
                            known.get(inst.name, inst.best_known)))
    print(table(rows))
    print(f"total {sum(r['seconds'] for r in rows):.1f} s")


if __name__ == "__main__":
    main()
