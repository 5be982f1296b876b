"""How the shortfalls a plan states differ from those derived again from it (diagnose):
each difference named by its demand, its cause and the text found against the text
derived, so that a rewritten, deleted or added explanation can be found in the file.
Pure; pipeline.audit turns each difference into a violation."""

from __future__ import annotations

from difflib import SequenceMatcher

from planner.models.plan import Cause, Shortfall

MOST_CHARS = 160  # of a text quoted in a difference


def differences(found: list[Shortfall], derived: list[Shortfall]) -> list[str]:
    """Every difference between the stated shortfalls and the derived ones, in the order
    of the derived list; empty when they are the same."""
    given = {s.demand: s for s in found}
    made = {s.demand: s for s in derived}
    out = [f"{d}: a shortfall is stated, but {d} is not short at the deadline"
           for d in given if d not in made]
    out += [f"{d}: short at the deadline ({num(s.missing_at_deadline)} of {num(s.total)} "
            f"{s.unit}), but no shortfall is stated" for d, s in made.items() if d not in given]
    for demand, want in made.items():
        if demand in given:
            out += _shortfall_differences(given[demand], want)
    if not out and [s.demand for s in found] != [s.demand for s in derived]:
        out.append(f"the shortfalls are in another order than derived: "
                   f"{', '.join(s.demand for s in found)}")
    return out


def _shortfall_differences(found: Shortfall, want: Shortfall) -> list[str]:
    out = [f"{want.demand}: {name} is {_quoted(getattr(found, name))}, derived "
           f"{_quoted(getattr(want, name))}"
           for name in type(want).model_fields
           if name != "causes" and getattr(found, name) != getattr(want, name)]
    return out + _cause_differences(want.demand, found.causes, want.causes)


def _cause_differences(demand: str, found: list[Cause], want: list[Cause]) -> list[str]:
    """Causes aligned by (code, provider), so that one deleted or added is named alone and
    the others are compared text to text."""
    def key(c: Cause) -> tuple:
        return c.code, c.provider

    out = []
    blocks = SequenceMatcher(a=[key(c) for c in found], b=[key(c) for c in want],
                             autojunk=False).get_opcodes()
    for op, i1, i2, j1, j2 in blocks:
        if op == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2)):
                out += [f"{demand}: cause {j + 1} ({_label(want[j])}): {name} is "
                        f"{_quoted(getattr(found[i], name))}, derived "
                        f"{_quoted(getattr(want[j], name))}"
                        for name in ("detail", "remedy")
                        if getattr(found[i], name) != getattr(want[j], name)]
            continue
        out += [f"{demand}: cause {_label(c)} is not derived from the plan: "
                f"{_quoted(c.detail)}" for c in found[i1:i2]]
        out += [f"{demand}: cause {j + 1} ({_label(want[j])}) derived from the plan is "
                f"missing: {_quoted(want[j].detail)}" for j in range(j1, j2)]
    return out


def _label(cause: Cause) -> str:
    return cause.code + (f" at {cause.provider}" if cause.provider else "")


def _quoted(value) -> str:
    text = value if isinstance(value, str) else str(value)
    text = text if len(text) <= MOST_CHARS else text[: MOST_CHARS - 3] + "..."
    return repr(text) if isinstance(value, str) else text


def num(x: float) -> str:
    return f"{x:,.6g}"
