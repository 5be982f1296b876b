"""Why room left at the deadline is not used for a short group: providers up by then, with
no quota, stock or data limit on one more of its servers, yet the plan starts none there.

A server started at the deadline stays up to the horizon (servers_stay_up), so the room
can be kept for servers that start later and fill the provider then (capacity); and one
more server changes the group's placement at the horizon, which the policy's share rows
and least footprint bind (policy_share, min_footprint), as the budget binds its cost
(budget). What none of these explains is left as room unused (capacity)."""

from __future__ import annotations

from planner.domain.spread import least_footprint
from planner.formulation.instance import Instance
from planner.models.plan import Cause, Costs
from planner.results.budget_causes import budgets_set, egress_price, over_budget, to_plan
from planner.results.server_causes import quota_room
from planner.results.solved import TOL, SolvedRows


def _explained(rooms, code: str, explain) -> tuple[list[Cause], list]:
    """A cause (`code`, at p) for each room that `explain(p, free)` accounts for, and the
    rooms it does not."""
    causes, rest = [], []
    for p, free in rooms:
        text = explain(p, free)
        if text:
            causes.append(Cause(code=code, provider=p, detail=text))
        else:
            rest.append((p, free))
    return causes, rest


def room_causes(inst: Instance, g: str, rooms: list[tuple[str, float]], rows: SolvedRows,
                costs: Costs, used_compute: set[str]) -> list[Cause]:
    """Causes for `rooms` ((provider, servers free at the deadline)): the providers whose
    room is kept for servers that start later, then the policy's share over the rest, or
    else each one's least footprint, then the budget or the room unexplained."""
    D = inst.deadline_hours
    causes, rest = _explained(rooms, "capacity",
                              lambda p, free: _kept_for_later(inst, g, p, free, rows))
    if not rest:
        return causes
    held = _policy_holds(inst, g, rest, rows)
    if held:
        return causes + [Cause(code="policy_share", detail=(
            f"the room left at hour {D} at {_listed(rest)} cannot take any more of {g} "
            f"within the policy: {held}"))]
    footprints, unexplained = _explained(
        rest, "min_footprint", lambda p, free: _footprint_holds(inst, g, p, free, rows))
    causes += footprints
    if unexplained:
        causes += _budget_holds(inst, g, unexplained, rows, costs, used_compute) or [
            Cause(code="capacity", detail=(
                f"room left at hour {D} is not used for {g}, and no limit of the plan holds "
                f"it back (a plan not proven optimal can leave room): {_listed(unexplained)}"))]
    return causes


def _listed(rooms: list[tuple[str, float]]) -> str:
    return ", ".join(f"{p} ({free:g})" for p, free in rooms)


def _kept_for_later(inst: Instance, g: str, p: str, free: float, rows: SolvedRows
                    ) -> str | None:
    """p is full at some hour after the deadline with servers that start after it: a
    server of g started at the deadline would still hold one of their places then."""
    D, H = inst.deadline_hours, inst.horizon_hours
    curve, used = inst.provider_curves[p], rows.used_by_hour(p)
    full = next((t for t in range(D + 1, H + 1) if used[t] >= curve.values[t] - TOL
                 or quota_room(inst, g, p, rows, t)[0] < 1), None)
    if full is None:
        return None
    quota = quota_room(inst, g, p, rows, full)
    limit = (f"{curve.values[full]:g} servers, its {curve.binding[full].replace('_', ' ')}"
             if quota[0] >= 1 else f"its quota {quota[1]}")
    later: dict[str, float] = {}
    for r in rows.rows_at.get(p, ()):
        later[r.group] = later.get(r.group, 0) + r.up_by_hour[full] - r.up_by_hour[D]
    arrivals = sorted(((inst.groups[h].tier, -n, h) for h, n in later.items() if n > TOL))
    listed = ", ".join(f"{h} +{-n:g} (tier {tier})" for tier, n, h in arrivals[:6])
    more = f" and {len(arrivals) - 6} more" if len(arrivals) > 6 else ""
    return (f"{p}: {free:g} free at hour {D} are kept for servers that start later: {p} is "
            f"full from hour {full} ({limit}) with {listed}{more} ({g} is tier "
            f"{inst.groups[g].tier})")


def _policy_holds(inst: Instance, g: str, rooms: list[tuple[str, float]], rows: SolvedRows
                  ) -> str | None:
    """Whether the policy_share rows at the horizon keep g out of all of `rooms`: no way to
    start more of g in them (each as many as its room, g no more than its count) keeps
    each provider within max_share_per_provider and min_surviving_share after losing the
    survive_provider_losses largest. Adding servers one by one where g has fewest (water
    filling) makes, for each total, the least largest shares there are, so checking each
    step of it is checking every way. A group placed in full can only start a server
    sooner: one moved from where it has most servers that start after the deadline."""
    group, policy = inst.groups[g], inst.inventory.policy
    if not group.spread or (policy.max_share_per_provider >= 1
                            and policy.survive_provider_losses == 0):
        return None
    placed = {q: rows.placed.get((g, q), 0.0) for q in sorted(rows.providers.get(g, ()))}
    if any(placed[p] > rows.servers.get((g, p), 0.0) + TOL for p, _ in rooms):
        return None  # a server of g there that starts later could start at the deadline
    steps = list(_water_filled(placed, rooms, group.count, rows, g))
    if not steps or any(_breaks(policy, step) is None for step in steps):
        return None
    first = next(p for p in steps[0] if steps[0][p] > placed[p])
    return f"with one more at {first}, {_breaks(policy, steps[0])}"


def _water_filled(placed: dict[str, float], rooms: list[tuple[str, float]], count: int,
                  rows: SolvedRows, g: str):
    """g's placements at the horizon with 1, 2, ... more servers in `rooms`, each added
    where g has fewest; with g placed in full, the one placement with a server moved."""
    placed, total = dict(placed), sum(placed.values())
    free = {p: room for p, room in rooms}
    if total + 1 > count + TOL:
        later = [q for q in placed if q not in free
                 and placed[q] > rows.servers.get((g, q), 0.0) + TOL]
        if later:
            p = min(free, key=lambda q: (placed[q], q))
            placed[p] += 1
            placed[max(later, key=lambda q: (placed[q], q))] -= 1
            yield placed
        return
    while total + 1 <= count + TOL and any(room >= 1 for room in free.values()):
        p = min((q for q, room in free.items() if room >= 1), key=lambda q: (placed[q], q))
        placed[p], free[p], total = placed[p] + 1, free[p] - 1, total + 1
        yield dict(placed)


def _breaks(policy, placed: dict[str, float]) -> str | None:
    """How a placement breaks the policy_share rows, or None when it keeps them."""
    total = sum(placed.values())
    largest = sorted(placed.items(), key=lambda item: (-item[1], item[0]))
    top, n = largest[0]
    broken = []
    if policy.max_share_per_provider < 1 and n > policy.max_share_per_provider * total + TOL:
        broken.append(f"{top} would hold {n:g} of {total:g} ({n / total:.0%}), over the "
                      f"{policy.max_share_per_provider:.0%} allowed per provider")
    lost = largest[: policy.survive_provider_losses]
    kept = total - sum(n for _, n in lost)
    if lost and kept < policy.min_surviving_share * total - TOL:
        names = ", ".join(f"{q} ({n:g})" for q, n in lost)
        broken.append(f"losing {names} would leave {kept:g} of {total:g} ({kept / total:.0%}), "
                      f"under the {policy.min_surviving_share:.0%} that must survive")
    return "; ".join(broken) or None


def _footprint_holds(inst: Instance, g: str, p: str, free: float, rows: SolvedRows
                     ) -> str | None:
    """g is not placed at p, and p has no room at the horizon for the least footprint a
    group needs wherever it is placed (min_footprint)."""
    H = inst.horizon_hours
    least = least_footprint(inst.inventory.policy, inst.groups[g].count)
    if least <= 1 or rows.placed.get((g, p), 0.0) > TOL:
        return None
    room_at_h = min(inst.provider_curves[p].values[H] - rows.used_by_hour(p)[H],
                    quota_room(inst, g, p, rows, H)[0])
    if room_at_h >= least - TOL:
        return None
    return (f"{p}: {free:g} free at hour {inst.deadline_hours}, but {g} may be placed there "
            f"only with at least {least} servers (policy.min_servers_per_provider), and {p} "
            f"has room for {max(room_at_h, 0):g} at hour {H}")


def _budget_holds(inst: Instance, g: str, rooms: list[tuple[str, float]], rows: SolvedRows,
                  costs: Costs, used_compute: set[str]) -> list[Cause]:
    """The budgets that one more server of g, at the cheapest of its models at the
    providers with room, would exceed: its setup fee and the source egress of its data
    (one-time), its monthly price and, at a provider not yet used, the overhead per
    provider (monthly)."""
    if not budgets_set(inst):
        return []
    prices = [_one_more(inst, g, p, offering, used_compute) for p, _ in rooms
              for offering in rows.offerings.get((g, p), [])]
    return over_budget(
        inst, costs, f"one more server of {g}, with room left at {_listed(rooms)},",
        (min(one_time for one_time, _ in prices), "its setup fee and the source egress of "
                                                  "its data"),
        (min(monthly for _, monthly in prices), "its monthly price, with the overhead per "
                                                "provider at one not yet used"))


def _one_more(inst: Instance, g: str, p: str, offering_id: str, used_compute: set[str]
              ) -> tuple[float, float]:
    """(one-time, monthly) cost of one more server of g on offering_id at p, in the plan's
    currency, as the cost rows count it."""
    provider, offering = inst.providers[p], inst.offering(p, offering_id)
    group = inst.groups[g]
    one_time = to_plan(inst, offering.setup_fee, provider.currency) \
        + egress_price(inst) * group.data_gb / group.count
    monthly = to_plan(inst, offering.price_per_month, provider.currency)
    if p not in used_compute:
        monthly += inst.inventory.policy.provider_overhead_per_month
    return one_time, monthly
