"""The overrides a plan records agree with the inputs it embeds: each path holds the value
its last override set, and every name an `--exclude` or scenario added is excluded. (The
embedded inputs are those after the overrides, so a deleted override cannot be seen; a
changed one can.)"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from planner.errors import PlannerError
from planner.inputs.overrides import locate, value_at
from planner.models.base import EVERY_FIELD
from planner.verify.context import Context, Violation, close

NOT_A_PATH = ("exclude", "only")  # set-valued shorthands, checked apart (exclude) or not


def _same(found: Any, want: Any) -> bool:
    """`found` holds what `want` set: numbers within tolerance; a mapping holds each key the
    override gave (the model fills the others with their defaults); a list item by item."""
    if isinstance(want, dict) and isinstance(found, dict):
        return all(k in found and _same(found[k], v) for k, v in want.items())
    if isinstance(want, list) and isinstance(found, list):
        return len(want) == len(found) and all(map(_same, found, want))
    numbers = [isinstance(v, (int, float)) and not isinstance(v, bool) for v in (found, want)]
    if all(numbers):
        return math.isfinite(found) and math.isfinite(want) and close(found, want)
    return found == want or str(found) == str(want)


def _below_later(value: Any, path: str, later) -> Any:
    """A mapping an override set, without the keys a later override set below it (`team`,
    then `team.people`): there the later one wins, and is checked on its own."""
    if not isinstance(value, dict):
        return value
    covered = {o.path[len(path) + 1:].split(".")[0] for o in later
               if o.path.startswith(path + ".")}
    return {k: v for k, v in value.items() if k not in covered}


def check_overrides(ctx: Context) -> Iterator[Violation]:
    plan = ctx.plan
    inventory = plan.inventory.model_dump(mode="json", context=EVERY_FIELD)
    catalog = plan.catalog.model_dump(mode="json", context=EVERY_FIELD)
    last: dict[tuple[int, str], tuple[str, Any, Any]] = {}  # where -> (path, value, node)
    excluded: set[str] = set()
    for i, o in enumerate(plan.overrides):
        if o.source == "-c":
            continue  # a catalog layer: its path is a file
        if o.path == "exclude":
            excluded |= set(o.value if isinstance(o.value, list) else [o.value])
            continue
        if o.path in NOT_A_PATH:
            continue
        try:
            node, key = locate(inventory, catalog, o.path)
        except PlannerError as exc:
            yield Violation(constraint="overrides", detail=str(exc))
            continue
        last[(id(node), key)] = (o.path, _below_later(o.value, o.path, plan.overrides[i + 1:]),
                                 node)  # two spellings, one place: the last wins
    missing = sorted(map(str, excluded - set(plan.inventory.policy.excluded_providers)))
    if missing:
        yield Violation(constraint="overrides", detail=f"excluded by an override but not in "
                        f"policy.excluded_providers: {', '.join(missing)}")
    for (_, key), (path, want, node) in last.items():
        found = value_at(node, key)
        if not _same(found, want):
            yield Violation(constraint="overrides", detail=f"{path}: the override set "
                            f"{want!r}, the inputs hold {found!r}")
