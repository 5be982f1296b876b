"""The home stage as data (models/home.HomeStage), from the home MILP's values
(formulation/home.py) and the bridge plan: the rows, the dated moves, what has no home and
why, and the costs, priced by the bridge's own rules (results/assemble.plan_costs on the
home's rows)."""

from __future__ import annotations

from planner.domain import home as rules
from planner.domain.curves import HOURS_PER_MONTH
from planner.domain.spread import group_most
from planner.formulation.home import HomeModel
from planner.formulation.instance import Instance
from planner.models.home import HomeRow, HomeStage
from planner.models.plan import Plan, SolverPhase
from planner.results.assemble import clean, plan_costs


def _rows(inst: Instance, model: HomeModel, values: dict[str, float],
          bridge: dict[tuple[str, str, str], int]) -> list[HomeRow]:
    rows = []
    for c in model.candidates:
        servers = round(values.get(model.servers[c].name, 0.0))
        if servers <= 0:
            continue
        hosts = round(values.get(model.hosts[c].name, 0.0)) if c.per_host > 1 else servers
        rows.append(HomeRow(group=c.group, provider=c.provider, offering=c.offering,
                            region=inst.region_of(c.provider), servers=servers, hosts=hosts,
                            kept=min(servers, bridge.get((c.group, c.provider, c.offering), 0))))
    return rows


def _why(inst: Instance, model: HomeModel, staying: list[str]) -> list[str]:
    """Why each group without a home has none: where it could go, and what it lost."""
    out = []
    fits: dict[str, set[str]] = {}  # group -> its candidates' providers, in one pass
    if staying:
        for c in model.candidates:
            fits.setdefault(c.group, set()).add(c.provider)
    policy = inst.inventory.policy
    for g in staying:
        near, group = sorted(fits.get(g, ())), inst.groups[g]
        k = min(len(near), policy.max_providers_home)
        text = (f"{g}: no home for its {group.count} servers by hour {model.hour} on "
                f"at most {policy.max_providers_home} providers")
        if not near:
            text += ": no provider near the hub fits it"
        elif group.spread and group_most(group, policy, k) < group.count:
            # home_share and home_footprint alone keep it from moving whole
            text += (f" among those near the hub that fit it ({', '.join(near)}): the "
                     "policy's spread (max_share_per_provider, survive_provider_losses, "
                     f"min_servers_per_provider) cannot hold all of it on {k} provider(s)")
        else:
            text += (f" among those near the hub that fit it ({', '.join(near)}): their stock "
                     "or unit quotas, or the policy's spread, leave no room")
        for reason in model.why_not.get(g, []):
            text += f"; {reason}"
        out.append(text)
    return out


def build_home(inst: Instance, model: HomeModel, phase: SolverPhase,
               values: dict[str, float], plan: Plan, bridge_inst: Instance) -> HomeStage:
    """The home stage of `plan` (the bridge, prepared as `bridge_inst`), from the home
    MILP's solution on `inst` (prepared to the home hour)."""
    H, T = plan.horizon_hours, model.hour
    bridge = rules.bridge_servers(plan.schedule, H)
    rows = _rows(inst, model, values, bridge) if values else []
    staying = [g for g in inst.groups
               if not values or values.get(model.unplaced[g].name, 0.0) > 0.5]
    negotiated = {p: n for p, e in model.extra.items()
                  if (n := round(values.get(e.name, 0.0))) > 0}
    moved = rules.moves(plan.inventory, plan.catalog, bridge, rows, H, T, negotiated, staying)
    storage = [c for c in plan.copies if c.demand == "object_storage"]
    running = rules.priced_rows(rows, plan.schedule, staying, H)
    priced = plan_costs(bridge_inst, running, storage, plan.services)
    served = None if staying else max([H, *[m.cutover_hour for m in moved]])
    home_count = sum(r.up_by_hour[H] for r in running)
    bridge_count = sum(r.up_by_hour[H] for r in plan.schedule)
    return HomeStage(
        day=plan.inventory.policy.home_day, max_providers=plan.inventory.policy.max_providers_home,
        status=phase.status, objective=phase.objective, bound=phase.bound, gap=phase.gap,
        providers=sorted({r.provider for r in rows}), rows=rows, moves=moved,
        negotiated=negotiated, staying=staying, why_staying=_why(inst, model, staying),
        served_by_hour=served,
        monthly=priced.monthly, monthly_cost=priced.monthly_total,
        servers=home_count,
        bridge_monthly_cost=plan.costs.monthly_total,
        bridge_servers=bridge_count,
        bridge_monthly_every_server=rules.scaled_monthly(plan.costs.monthly, bridge_count,
                                                         home_count),
        move_one_time_cost=clean(rules.move_cost(plan.inventory, plan.catalog, bridge, rows,
                                                 moved)),
        bridge_cost_until_home=clean(plan.costs.monthly_total * (served or T)
                                     / HOURS_PER_MONTH),
        engineer_hours=clean(rules.move_hours(plan.inventory, plan.catalog, bridge, moved)))
