"""Overrides: a Scenario applied to an inventory and a catalog gives new, validated inputs.
Pure; every path is checked, so a typo is an error, never a silent no-op.

One order, whatever the order on the command line: the inventory, the catalog layers
(`-c`, read by the loader), the scenario files in the order given (`-s`), `--set`, then the
explicit flags (`--deadline-hours`, `--exclude`, `--max-fact-age-days`), which win last.
`apply_all` applies them in that order and returns what it applied, for the Plan.

Paths are dotted: `deadline_hours`, `policy.survive_provider_losses`, `groups.web.count`
(list items by name or id, or by index), `services.dns.current_ns_ttl_seconds`, and
`catalog.<id>.<field>` for a provider or vendor (`catalog.hetzner-cloud.quota_servers`,
`catalog.hetzner-cloud.offerings.cx22.price_per_month`). A bare number set on a sourced
fact becomes a fact whose source names the scenario and which is marked as an estimate.
"""

from __future__ import annotations

import copy
import difflib
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import ValidationError

from planner.errors import PlannerError
from planner.models.base import EVERY_FIELD, Located
from planner.models.catalog import Catalog
from planner.models.inventory import DEFAULT_TEAM, Inventory
from planner.models.plan import Override
from planner.models.provider_facts import raise_below_quota
from planner.models.scenario import Scenario

BASE = Scenario(name="base", description="the inputs as they are")


def parse_set(text: str) -> tuple[str, Any]:
    """`PATH=VALUE` from the command line; VALUE is read as a YAML scalar or list."""
    path, sep, raw = text.partition("=")
    if not sep or not path.strip():
        raise PlannerError(f"--set {text!r}: expected PATH=VALUE")
    try:
        return path.strip(), yaml.safe_load(raw)
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: a date such as 2026-13-01
        why = f" ({exc})" if isinstance(exc, ValueError) else ""
        raise PlannerError(f"--set {text!r}: the value is not valid YAML{why}") from None


def _step(node: Any, key: str, where: str) -> Any:
    """The child of `node` named by one path segment; lists are indexed by name/id or number."""
    if isinstance(node, dict):
        if key not in node:
            raise PlannerError(f"{where}: no field {key!r} here; fields: {sorted(node)}")
        return node[key]
    if isinstance(node, list):
        for item in node:
            if isinstance(item, dict) and key in (item.get("id"), item.get("name")):
                return item
        if key.isdigit() and int(key) < len(node):
            return node[int(key)]
        names = [i.get("id") or i.get("name") for i in node if isinstance(i, dict)]
        raise PlannerError(f"{where}: no item {key!r}; items: {names}")
    raise PlannerError(f"{where}: {key!r} goes below a value that has no fields")


def _optional_blocks() -> dict[str, dict]:
    """Inventory blocks that may be absent, with what a path into one starts from: `--set
    team.people=8` on an inventory with no team is planner's default team with 8 people."""
    return {"team": DEFAULT_TEAM.model_dump(mode="json", exclude={"note"})}


# Inventory fields that map names of the user's choosing to values: a path may add a name
# (`--set policy.refused_at_hour.linode=24`)
OPEN_MAPPINGS = ("policy.refused_at_hour",)


def _assign(root: dict, path: str, value: Any, provenance: dict, prefix: str = "") -> None:
    parts = path.split(".")
    node = root
    for i, key in enumerate(parts[:-1]):
        if not prefix and i == 0 and isinstance(node, dict) and node.get(key) is None:
            start = _optional_blocks().get(key)
            if start is not None:
                node[key] = start
        node = _step(node, key, prefix + ".".join(parts[: i + 1]))
    last, full = parts[-1], prefix + path
    if not prefix and ".".join(parts[:-1]) in OPEN_MAPPINGS and isinstance(node, dict):
        node[last] = value
        return
    if isinstance(node, list):
        target = _step(node, last, full)
        raise PlannerError(f"{full}: names a whole item "
                           f"({target.get('id') or target.get('name')}); set one of its fields")
    if not isinstance(node, dict) or last not in node:
        _step(node, last, full)  # raises, listing the fields that exist
    old = node[last]
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if number and isinstance(old, dict) and "value" in old and "source" in old:
        value = {**old, "value": value, "note": None, **provenance}
    elif number and old is None and "source" in node:  # an optional fact not set before
        value = {"value": value, "as_of": node.get("as_of"), **provenance}
    node[last] = value


def _catalog_path(catalog_data: dict, path: str) -> tuple[dict, str]:
    """`catalog.<id>.rest` -> (the entry's data, rest)."""
    _, _, rest = path.partition(".")
    entry_id, _, field = rest.partition(".")
    for entry in [*catalog_data["providers"], *catalog_data["services"]]:
        if entry["id"] == entry_id:
            if not field:
                raise PlannerError(f"{path}: set a field of {entry_id}, not the whole entry")
            return entry, field
    raise PlannerError(f"{path}: no provider or vendor {entry_id!r} in the catalog")


# Scenario shorthands that stand for one inventory path
SHORTHAND_PATHS = {"budget": "policy.one_time_budget", "one_time_budget": "policy.one_time_budget",
                   "monthly_budget": "policy.monthly_budget"}


def locate(inventory_data: dict, catalog_data: dict, path: str) -> tuple[Any, str]:
    """The container and key an override's `path` sets (a scenario shorthand such as
    `budget` is its inventory path); a PlannerError when the path names nothing. `exclude`
    and `only` are not single paths."""
    path = SHORTHAND_PATHS.get(path, path)
    if path.startswith("catalog."):
        node, rest = _catalog_path(catalog_data, path)
        prefix = path[: -len(rest)]
    else:
        node, rest, prefix = inventory_data, path, ""
    parts = rest.split(".")
    for i, key in enumerate(parts[:-1]):
        node = _step(node, key, prefix + ".".join(parts[: i + 1]))
    _step(node, parts[-1], prefix + rest)  # raises when nothing is there
    return node, parts[-1]


def value_at(container: Any, key: str) -> Any:
    """The value at a located path: a Fact's number for a catalog fact."""
    node = _step(container, key, key)
    return node["value"] if isinstance(node, dict) and "value" in node else node


def _only(catalog: Catalog, inventory_data: dict, names: list[str]) -> None:
    """Keep, for each kind that `names` mentions, only the entries it names."""
    entries = [*catalog.providers, *catalog.services]

    def named(e) -> bool:
        return e.id in names or (e.organization is not None and e.organization in names)

    unknown = set(names) - {e.id for e in entries} - {e.organization for e in entries}
    if unknown:
        raise PlannerError(f"only: no provider, vendor or organization {sorted(unknown)}")
    kinds = {e.kind for e in entries if named(e)}
    compute = {"cloud", "bare_metal", "colocation", "self_hosted"}
    groups = [compute if k in compute else {k} for k in kinds]
    covered = set().union(*groups) if groups else set()
    dropped = [e.id for e in entries if e.kind in covered and not named(e)]
    policy = inventory_data["policy"]
    policy["excluded_providers"] = sorted(set(policy["excluded_providers"]) | set(dropped))


def apply(inventory: Inventory, catalog: Catalog, scenario: Scenario,
          extra_sets: dict[str, Any] | None = None) -> tuple[Inventory, Catalog]:
    """The inputs with the scenario's shorthands, then its `set` paths, then `extra_sets`."""
    inv = copy.deepcopy(inventory.model_dump(mode="json", context=EVERY_FIELD))
    cat = copy.deepcopy(catalog.model_dump(mode="json", context=EVERY_FIELD))
    policy = inv["policy"]
    if scenario.deadline_hours is not None:
        inv["deadline_hours"] = scenario.deadline_hours
    if scenario.exclude:
        policy["excluded_providers"] = sorted(set(policy["excluded_providers"])
                                              | set(scenario.exclude))
    if scenario.only is not None:
        _only(catalog, inv, scenario.only)
    for key, value in (("one_time_budget", scenario.budget),
                       ("one_time_budget", scenario.one_time_budget),
                       ("monthly_budget", scenario.monthly_budget)):
        if value is not None:
            policy[key] = value
    provenance = {"source": f"what-if scenario {scenario.name!r}", "estimate": True,
                  "note": "value set by a scenario, not a catalog fact"}
    if inventory.decision_date:
        provenance["as_of"] = inventory.decision_date
    for path, value in [*scenario.set.items(), *(extra_sets or {}).items()]:
        if path.startswith("catalog."):
            entry, field = _catalog_path(cat, path)
            _assign(entry, field, value, provenance, prefix=path[: -len(field)])
            problem = field.startswith("quota_raise_servers") and raise_below_quota(
                entry.get("quota_raise_servers"), entry.get("quota_servers"))
            if problem:
                raise PlannerError(f"{path}: {problem}")
        else:
            _assign(inv, path, value, provenance)
    try:
        inventory = Inventory.model_validate(inv)
    except ValidationError as exc:
        raise PlannerError(f"scenario {scenario.name!r}: {rejected(exc, inv)}") from None
    try:
        return inventory, Catalog.model_validate(cat)
    except ValidationError as exc:
        raise PlannerError(f"scenario {scenario.name!r}: "
                           f"{rejected(exc, cat, catalog=True)}") from None


def _child(node: Any, key: Any) -> Any:
    if isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
        return node[key]
    return node.get(key) if isinstance(node, dict) else None


def rejected(exc: ValidationError, data: dict, catalog: bool = False) -> str:
    """The first error as the user's path and words: list items by their id or name
    (`groups.web`, `catalog.hetzner-cloud.offerings.cx33`), without pydantic's prefixes."""
    first = exc.errors()[0]
    parts, node = [], data
    where = (first.get("ctx") or {}).get("error")
    loc = list(first["loc"]) + list(where.loc if isinstance(where, Located) else ())
    if catalog and len(loc) >= 2 and loc[0] in ("providers", "services"):
        node, loc = data[loc[0]], loc[1:]
        parts.append("catalog")
    for key in loc:
        item = _child(node, key)
        if isinstance(node, list) and isinstance(item, dict):
            parts.append(str(item.get("id") or item.get("name") or key))
        else:
            parts.append(str(key))
        node = item
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"{'.'.join(parts) or 'inventory'}: {message}"


@dataclass(frozen=True)
class Flags:
    """The command line's explicit overrides; None or empty: not given."""

    deadline_hours: int | None = None
    exclude: tuple[str, ...] = ()
    max_fact_age_days: int | None = None


def apply_flags(inventory: Inventory, flags: Flags) -> Inventory:
    """The inventory with the command-line flags applied, validated again as a whole."""
    data = inventory.model_dump(context=EVERY_FIELD)
    if flags.deadline_hours is not None:
        data["deadline_hours"] = flags.deadline_hours
    if flags.max_fact_age_days is not None:
        data["policy"]["max_fact_age_days"] = flags.max_fact_age_days
    if flags.exclude:
        policy = data["policy"]
        policy["excluded_providers"] = sorted(set(policy["excluded_providers"])
                                              | set(flags.exclude))
    try:
        return Inventory.model_validate(data)
    except ValidationError as exc:
        raise PlannerError(f"override rejected: {rejected(exc, data)}") from None


def scenario_overrides(scenario: Scenario, source: str,
                       extra_sets: dict[str, Any] | None = None) -> list[Override]:
    """What `apply` sets for `scenario`, in the order it sets it."""
    shorthands = [("deadline_hours", scenario.deadline_hours),
                  ("exclude", list(scenario.exclude) or None), ("only", scenario.only),
                  ("budget", scenario.budget), ("one_time_budget", scenario.one_time_budget),
                  ("monthly_budget", scenario.monthly_budget)]
    return ([Override(source=source, path=path, value=value)
             for path, value in shorthands if value is not None]
            + [Override(source=source, path=path, value=value)
               for path, value in [*scenario.set.items(), *(extra_sets or {}).items()]])


def flag_overrides(flags: Flags) -> list[Override]:
    """The flags as Overrides, in the order `apply_flags` sets them."""
    given = [("--deadline-hours", "deadline_hours", flags.deadline_hours),
             ("--max-fact-age-days", "policy.max_fact_age_days", flags.max_fact_age_days),
             ("--exclude", "exclude", list(flags.exclude) or None)]
    return [Override(source=source, path=path, value=value)
            for source, path, value in given if value is not None]


def with_decision_date(inventory: Inventory, today: str | None
                       ) -> tuple[Inventory, list[Override]]:
    """An inventory that names no decision date is decided `today` (given by the caller:
    the clock is read at the edge), and the Override says so."""
    if inventory.decision_date or not today:
        return inventory, []
    data = inventory.model_dump(context=EVERY_FIELD)
    data["decision_date"] = today
    return Inventory.model_validate(data), [
        Override(source="today (UTC)", path="decision_date", value=today)]


def apply_all(inventory: Inventory, catalog: Catalog,
              scenarios: list[tuple[str, Scenario]], extra_sets: dict[str, Any],
              flags: Flags, today: str | None = None
              ) -> tuple[Inventory, Catalog, list[Override]]:
    """Scenarios (each with the file it came from) in order, then `--set`, then the flags,
    then today's date if none of them gave a decision date: the new inputs and the
    overrides applied, in that order."""
    applied: list[Override] = []
    for file, scenario in scenarios:
        inventory, catalog = apply(inventory, catalog, scenario)
        applied += scenario_overrides(scenario, f"scenario {scenario.name!r} ({file})")
    if extra_sets:
        inventory, catalog = apply(inventory, catalog, Scenario(name="--set"), extra_sets)
        applied += scenario_overrides(Scenario(name="--set"), "--set", extra_sets)
    inventory, dated = with_decision_date(apply_flags(inventory, flags), today)
    return inventory, catalog, applied + flag_overrides(flags) + dated


def check_against_catalog(inventory: Inventory, catalog: Catalog) -> None:
    """What the inventory names in the catalog is there: its currency has a rate, every
    excluded name is a catalog id, an organization or the source provider (a typo such as
    `--exclude hetzner-clod` is an error naming the nearest names, never a silent no-op),
    and every name in policy.refused_at_hour a catalog id or organization."""
    if inventory.currency != "USD" and inventory.currency not in catalog.currencies:
        known = ", ".join(["USD", *sorted(catalog.currencies)])
        raise PlannerError(f"currency: {inventory.currency} has no rate in the catalog's "
                           f"currencies ({known}); add one in a -c layer")
    entries = [*catalog.providers, *catalog.services]
    known = {e.id for e in entries} | {e.organization for e in entries if e.organization}
    known.add(inventory.source.provider)
    for field, names, allowed in (
            ("excluded_providers", inventory.policy.excluded_providers, known),
            ("refused_at_hour", inventory.policy.refused_at_hour, known - {
                inventory.source.provider})):  # the source is left, not refused
        unknown = [name for name in names if name not in allowed]
        if unknown:
            hints = []
            for name in unknown:
                near = difflib.get_close_matches(name, sorted(allowed), n=3, cutoff=0.6)
                hints.append(f"{name!r}" + (f" (did you mean {', '.join(map(repr, near))}?)"
                                            if near else ""))
            raise PlannerError(f"policy.{field}: no provider, vendor or organization "
                               f"{', '.join(hints)} in the catalog")
    metros = sorted({r.metro for p in catalog.providers for r in p.regions or []})
    near_metro = inventory.policy.near_metro
    if near_metro is not None and near_metro not in metros:
        near = difflib.get_close_matches(near_metro, metros, n=3, cutoff=0.6)
        raise PlannerError(f"policy.near_metro: no region of the catalog is in metro "
                           f"{near_metro!r}" + (f" (did you mean {', '.join(map(repr, near))}?)"
                                                if near else "")
                           + (f"; its metros: {', '.join(metros)}" if metros else
                              "; the catalog gives no regions"))
