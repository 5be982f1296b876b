"""Mixed host layouts (planner/solver/layout.py): every server has a slot on a host that
fits, no hour has more hosts than the one-group layout, and the bound is a true bound."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.solver.layout import Bin, Kind, lay_out


def fits(pattern: tuple[int, ...], kinds: list[Kind], host: Bin) -> bool:
    """sum_g a_g size_g[d] <= room[d] for every d, and a_g <= most_g."""
    if any(a > k.most for a, k in zip(pattern, kinds)):
        return False
    return all(sum(a * k.size[d] for a, k in zip(pattern, kinds)) <= room + 1e-9
               for d, room in enumerate(host.room))


def _optimum(sizes: list[int], capacity: int) -> int:
    """Least bins for `sizes` by exhaustive search (a few items only)."""
    best = len(sizes)

    def place(i: int, loads: list[int]) -> None:
        nonlocal best
        if len(loads) >= best:
            return
        if i == len(sizes):
            best = len(loads)
            return
        for j in range(len(loads)):
            if loads[j] + sizes[i] <= capacity:
                loads[j] += sizes[i]
                place(i + 1, loads)
                loads[j] -= sizes[i]
        place(i + 1, [*loads, sizes[i]])

    place(0, [])
    return best


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 10), min_size=1, max_size=9))
def test_hosts_are_within_the_proven_bound_and_the_optimum(sizes):
    distinct = sorted(set(sizes))
    kinds = [Kind(size=(float(s),), most=100, alone=10 // s) for s in distinct]
    need = [sizes.count(s) for s in distinct]
    host = Bin(room=(10.0,))
    layout = lay_out(kinds, host, [need], [len(sizes)])
    hosts = sum(m[-1] for m in layout.hosts)
    assert layout.lower_bound <= _optimum(sorted(sizes, reverse=True), 10) <= hosts
    assert all(fits(p, kinds, host) for p in layout.patterns)
    for g, n in enumerate(need):
        assert sum(p[g] * m[-1] for p, m in zip(layout.patterns, layout.hosts)) >= n


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 8), st.integers(1, 8), st.integers(0, 5),
                          st.integers(0, 5)), min_size=1, max_size=4))
def test_every_hour_is_covered_within_the_one_group_cap(groups):
    """Two dimensions, two hours, limits per host: servers of each hour have slots, hosts
    never drop, and no hour has more hosts than one group per host would."""
    host = Bin(room=(8.0, 8.0))
    singles = [min(3, 8 // v, 8 // r) for v, r, _, _ in groups]
    kinds = [Kind(size=(float(v), float(r)), most=3, alone=k)
             for (v, r, _, _), k in zip(groups, singles)]
    early = [a for _, _, a, _ in groups]
    late = [a + b for _, _, a, b in groups]
    cap = [sum(-(-n // k) for n, k in zip(need, singles)) for need in (early, late)]
    layout = lay_out(kinds, host, [early, late], cap)
    for t, need in enumerate((early, late)):
        assert sum(m[t] for m in layout.hosts) <= cap[t]
        for g, n in enumerate(need):
            assert sum(p[g] * m[t] for p, m in zip(layout.patterns, layout.hosts)) >= n
    assert all(m[0] <= m[1] for m in layout.hosts)
    assert all(fits(p, kinds, host) for p in layout.patterns)
