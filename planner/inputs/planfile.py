"""Reading a saved plan.json back (for `planner verify` and `planner render`)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from planner.errors import InputError, InputErrorItem
from planner.models.plan import Plan


def plan_json(plan: Plan) -> str:
    """Canonical JSON of a Plan: the same Plan always gives the same bytes. `overrides` is
    left out when there were none (reading it back gives the same empty list)."""
    return plan.model_dump_json(indent=1, exclude=None if plan.overrides else {"overrides"}) \
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
        raise InputError(f"not JSON: {exc.msg}", file=str(path), line=exc.lineno) from None
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        raise InputError(errors=[
            InputErrorItem(message=e["msg"], file=str(path),
                           path=".".join(str(p) for p in e["loc"]) or None)
            for e in exc.errors()]) from None
