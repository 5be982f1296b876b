"""Reading a saved plan.json back (for `planner verify` and `planner render`)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from planner.errors import InputError, InputErrorItem
from planner.inputs.loader import detect_kind
from planner.models.plan import Plan

# Keys every plan.json has and no other file of ours: without them, say what the file is
PLAN_KEYS = {"planner_version", "inputs_digest", "solver", "schedule"}
WHAT_TO_DO = {"inventory": "plan it first (planner plan FILE -o DIR), then give DIR/plan.json",
              "catalog": "give it to plan with -c", "scenario": "give it to plan with -s"}


def plan_json(plan: Plan) -> str:
    """Canonical JSON of a Plan: the same Plan always gives the same bytes. `overrides` is
    left out when there were none (reading it back gives the same empty list)."""
    left_out = {name for name in ("overrides", "work", "users", "edge", "registrar",
                                         "host_pools", "lead_times", "home")
                if not getattr(plan, name)}  # as read
    return plan.model_dump_json(indent=1, exclude=left_out or None) \
        + "\n"


def load_plan(path: Path) -> Plan:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read: {getattr(exc, 'strerror', None) or exc}",
                         file=str(path)) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        hint = " (a plan.json is JSON; this file's name says YAML: an inventory? plan it " \
            "first)" if Path(path).suffix.lower() in (".yaml", ".yml") else ""
        raise InputError(f"not JSON: {exc.msg}{hint}", file=str(path),
                         line=exc.lineno) from None
    _is_a_plan(data, str(path))
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        raise InputError(errors=[
            InputErrorItem(message=e["msg"], file=str(path),
                           path=".".join(str(p) for p in e["loc"]) or None)
            for e in exc.errors()]) from None


def _is_a_plan(data, file: str) -> None:
    """A file that is not a plan gets one line saying what it is, not a wall of "field
    required" (a comparison, a summary, an inventory given by mistake)."""
    if isinstance(data, dict) and PLAN_KEYS <= data.keys():
        return
    try:
        kind = detect_kind(data)
    except InputError:
        kind = None
    if isinstance(data, dict) and PLAN_KEYS & data.keys():
        missing = ", ".join(sorted(PLAN_KEYS - data.keys()))
        raise InputError(f"not a whole plan.json: {missing} missing", file=file)
    article = "an" if kind == "inventory" else "a"
    raise InputError(f"this is {article} {kind}, not a plan.json: {WHAT_TO_DO[kind]}" if kind else
                     "not a plan.json written by `planner plan` (no planner_version, "
                     "inputs_digest, solver or schedule at the top level)", file=file)
