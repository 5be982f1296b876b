"""Rows over the server variables r, made with numpy in one pass per constraint family
(planner/formulation/families.py states each family; this is how their rows are assembled). At
10,000 synthetic servers in 500 groups, a dict and a call per row took formulate 16.6 s;
with these, 9.2-10.1 s, for the same rows in the same order (tests/test_formulate_rows.py).

A row code numbers a (key, period) pair: key position * periods + period position, keys
in the order candidates first have them (`distinct_keys`), so that codes ascending are
the order in which the families wrote their rows, key by key and period by period.
"""

from __future__ import annotations

import numpy as np

from planner.formulation.model import Model, period_starts
from planner.formulation.problem import INF


def distinct_keys(model: Model, key) -> list:
    """The distinct key(candidate) values, in the order candidates first have them."""
    return list(dict.fromkeys(key(c) for c in model.instance.candidates))


def capped_sums(model: Model, key, cap, family: str) -> None:
    """Rows sum_{c: key(c) = k} r[c,t] <= cap(k, t), key by key (in the order candidates
    first have them) and period by period, each row's variables in r's order; only where
    some variable is and their upper bounds add up to more than the cap (else the row
    cannot bind)."""
    grid = period_starts(model.instance)
    keys, row = server_rows(model, key)
    size = len(keys) * len(grid)
    caps = np.array([cap(k, t) for k in keys for t in grid], dtype=float)
    present = np.bincount(row, minlength=size)
    upper = model.server_arrays()[2]
    written = (present > 0) & (np.bincount(row, weights=upper, minlength=size) > caps)
    codes = np.flatnonzero(written)[:, None]
    add_rows(model, row, codes, np.ones(codes.shape), -INF, caps[written], family)


def add_rows(model: Model, row: np.ndarray, codes: np.ndarray, coefficients: np.ndarray,
             lower, upper, family: str, tails: np.ndarray | None = None,
             tail_coefficient: float = 0.0) -> None:
    """Row i: sum_j coefficients[i, j] * (the server variables of row code codes[i, j],
    in r's order; none for code -1), then tail_coefficient * the variable of PuLP hash
    tails[i] where that is not 0; lower <= row i <= upper. `row`: each server variable's
    row code (`server_rows`)."""
    order = np.argsort(row, kind="stable")  # each code's variables together, in r's order
    present = np.bincount(row, minlength=max(int(codes.max(initial=-1)) + 1, 1))
    first = np.cumsum(present) - present
    valid = codes >= 0
    seg_starts = np.where(valid, first[np.maximum(codes, 0)], 0).ravel()
    seg_counts = np.where(valid, present[np.maximum(codes, 0)], 0).ravel()
    terms = seg_counts.reshape(codes.shape).sum(axis=1)
    has_tail = np.zeros(len(codes), dtype=bool) if tails is None else tails != 0
    counts = terms + has_tail
    starts = (np.cumsum(counts) - counts).astype(np.int64)
    hashes, values = np.empty(counts.sum(), dtype=np.int64), np.empty(counts.sum())
    at = ragged(starts, terms)  # where each row's server terms go
    hashes[at] = model.server_arrays()[3][order[ragged(seg_starts, seg_counts)]]
    values[at] = np.repeat(coefficients.ravel(), seg_counts)
    if tails is not None:
        tail = (starts + terms)[has_tail]
        hashes[tail], values[tail] = tails[has_tail], tail_coefficient
    model.lp.rows.add_block(hashes, values, counts, lower, upper, family)


def server_rows(model: Model, key) -> tuple[list, np.ndarray]:
    """The distinct key(candidate) values (`distinct_keys`), and each server variable's
    row code, in r's order."""
    keys = distinct_keys(model, key)
    key_id = {k: i for i, k in enumerate(keys)}
    of_candidate = np.array([key_id[key(c)] for c in model.instance.candidates],
                            dtype=np.int64)
    candidate, period = model.server_arrays()[:2]
    return keys, of_candidate[candidate] * len(model.instance.grid) + period


def last_copy(model: Model, keys: list, codes: np.ndarray) -> np.ndarray:
    """For each row code (key position * periods + period position, keys (group,
    provider)), the PuLP hash of C[g,p,t'] for the last t' <= t that has one, else 0."""
    periods = len(period_starts(model.instance))
    key_id = {k: i for i, k in enumerate(keys)}
    position = {t: i for i, t in enumerate(period_starts(model.instance))}
    found = sorted((key_id[(g, p)] * periods + position[t], var.hash)
                   for (g, p, t), var in model.copy.items() if (g, p) in key_id)
    if not found:
        return np.zeros(len(codes), dtype=np.int64)
    copy_codes = np.array([c for c, _ in found], dtype=np.int64)
    copy_hashes = np.array([h for _, h in found], dtype=np.int64)
    at = np.maximum(np.searchsorted(copy_codes, codes, side="right") - 1, 0)
    same_key = copy_codes[at] // periods == codes // periods  # and at or before t
    return np.where(same_key & (copy_codes[at] <= codes), copy_hashes[at], 0)


def ragged(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """starts[0], ..., starts[0] + counts[0] - 1, starts[1], ...: the positions of
    consecutive segments, in one array."""
    total = int(counts.sum())
    return np.repeat(starts - (np.cumsum(counts) - counts), counts) + np.arange(total)
