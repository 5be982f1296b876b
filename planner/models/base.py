"""Shared building blocks: strict models and sourced facts.

Every number in a catalog is a `Fact`: a value with the `source` it comes from and the
date it was true (`as_of`). To keep catalog files readable, a bare number may stand where a
Fact is expected when an enclosing block (provider, offering, curve) gives `source` and
`as_of`; the loader turns it into a full Fact, so the validated model never holds an
unsourced number.
"""

from __future__ import annotations

import datetime
import math
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_serializer,
    model_validator,
)

AS_OF_PATTERN = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
PROVENANCE_KEYS = ("source", "as_of", "estimate")


# model_dump(context=EVERY_FIELD) keeps the fields some models leave out at their default
# (for stable digests of saved plans): overrides need every path there to set it.
EVERY_FIELD = {"every_field": True}


def every_field(info) -> bool:
    return bool(info.context and info.context.get("every_field"))


def without_unset(data: Any, info, names) -> Any:
    """A model's dump without the fields of `names` that are None, unless every field is
    asked for: fields that came after plans were saved are left out when unset, so a saved
    plan's embedded inputs, and so its inputs digest, read back the same."""
    if isinstance(data, dict) and not every_field(info):
        for name in names:
            if name in data and data[name] is None:
                data.pop(name)
    return data


class Located(ValueError):
    """A rule over a whole model broken at one place of it: `loc` is the path below the
    model (pydantic keeps the exception in the error's ctx), so the loader can point at the
    line of that place rather than at the model's first line."""

    def __init__(self, message: str, *loc: str | int):
        super().__init__(message)
        self.loc = loc


def iso_date(value: Any) -> Any:
    """YAML reads an unquoted 2026-06-30 as a date; the models keep dates as ISO text."""
    return value.isoformat() if hasattr(value, "isoformat") and not isinstance(value, str) \
        else value


CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _printable(value: str) -> str:
    """No control character (ESC, BEL, newline...): names and texts reach the terminal and
    the runbook's Markdown, where one could rewrite the screen or break the document."""
    found = CONTROL.search(value)
    if found:
        raise ValueError(f"must be printable text on one line: control character "
                         f"{found.group()!r} at position {found.start()}")
    return value


Printable = Annotated[str, AfterValidator(_printable)]


def calendar_date(value: str | None) -> str | None:
    """A YYYY-MM-DD text that is a day of the calendar (no 2026-02-30)."""
    if value is not None:
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value} is not a date of the calendar") from None
    return value


class StrictModel(BaseModel):
    """Unknown keys are errors; values are not coerced across types (no "12" for 12)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Provenance(StrictModel):
    source: Printable = Field(min_length=1, description="Where the value comes from (URL, "
                              "document).")
    as_of: str = Field(description="Date the value was true: YYYY, YYYY-MM or YYYY-MM-DD.")
    estimate: bool = Field(False, description="True when the value is reasoned, not read.")
    note: Printable | None = None

    @field_validator("as_of", mode="before")
    @classmethod
    def _as_of_format(cls, value: Any) -> str:
        text = value.isoformat() if hasattr(value, "isoformat") else value
        if isinstance(text, int) and not isinstance(text, bool):  # `as_of: 2026` in YAML
            text = str(text)
        if not isinstance(text, str) or not AS_OF_PATTERN.match(text):
            raise ValueError("as_of must be a date written YYYY, YYYY-MM or YYYY-MM-DD")
        parts = [int(p) for p in text.split("-")] + [1, 1]
        try:
            start = datetime.date(*parts[:3])  # the first day the text can mean
        except ValueError:
            raise ValueError(f"as_of {text} is not a date of the calendar") from None
        if start > datetime.datetime.now(datetime.UTC).date():
            raise ValueError(f"as_of {text} is in the future: a fact is dated when it was "
                             "seen true")
        return text


class ProvenanceDefaults(StrictModel):
    """`source`, `as_of` and `estimate` given once for the numbers of a block."""

    source: Printable | None = None
    as_of: str | None = None
    estimate: bool = False

    @field_validator("as_of", mode="before")
    @classmethod
    def _as_of_format(cls, value: Any) -> str | None:
        return None if value is None else Provenance._as_of_format(value)


class Fact(Provenance):
    """A sourced number: finite and never negative (every catalog quantity is a count, a
    size, a rate, a duration, a price or a probability)."""

    value: float

    @field_validator("value")
    @classmethod
    def _finite_and_not_negative(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError(f"{value} is not a finite number")
        if value < 0:
            raise ValueError(f"{value:g} is negative; a catalog quantity is 0 or more")
        return value


Clock = Literal["wall", "business"]
QUANTILES = ("p50", "p90")


class LeadTime(Fact):
    """A sourced duration in hours before a step is done (onboarding, a quota raise, a
    delivery, a registration): `value` is the median (p50). `p90` is the duration nine
    times out of ten, where a range is known; `clock: business` counts only the entry's
    working hours (`working_hours`: its time zone, days and hours), so a request made on a
    Saturday evening starts on Monday morning (domain/calendar.py converts it to wall-clock
    hours from the decision before any curve is built)."""

    p90: float | None = Field(None, description="Hours nine times out of ten; at least "
                              "`value`; absent: no range known.")
    clock: Clock = Field("wall", description="wall: hours of the clock; business: hours "
                         "the entry works (its working_hours).")

    @field_validator("p90")
    @classmethod
    def _p90_finite(cls, value: float | None) -> float | None:
        return None if value is None else Fact._finite_and_not_negative(value)

    @model_validator(mode="after")
    def _p90_not_below(self):
        if self.p90 is not None and self.p90 < self.value:
            raise ValueError(f"p90 ({self.p90:g} h) is below the median value "
                             f"({self.value:g} h)")
        return self

    @model_serializer(mode="wrap")
    def _range_only_when_set(self, handler, info):
        data = without_unset(handler(self), info, ("p90",))
        if isinstance(data, dict) and not every_field(info) and data.get("clock") == "wall":
            data.pop("clock")
        return data

    def at(self, quantile: str) -> float:
        """Its hours at `quantile` (p50 or p90): the p90 where one is known, else the value."""
        return self.p90 if quantile == "p90" and self.p90 is not None else self.value


class Series(Provenance):
    """A sourced step curve: `values[i]` holds from `every_hours * i` hours onward.

    Used for warm-up schedules (one value a day) and lead-time steps. The last value holds
    for ever after.
    """

    every_hours: float = Field(24.0, gt=0, allow_inf_nan=False)
    values: list[float] = Field(min_length=1)

    @field_validator("values")
    @classmethod
    def _finite_and_not_negative(cls, values: list[float]) -> list[float]:
        for value in values:
            Fact._finite_and_not_negative(value)
        return values

    def at(self, hours_since_start: float) -> float:
        """Value of the curve `hours_since_start` hours after its start (0 before it)."""
        if hours_since_start < 0:
            return 0.0
        index = min(int(hours_since_start // self.every_hours), len(self.values) - 1)
        return self.values[index]


def walk(model: BaseModel, kind: type, loc: tuple = (), path: str = ""):
    """Every value of type `kind` inside `model` (not looked into further), as (loc, path,
    value): loc the field names, list indexes and mapping keys that reach it, path the same
    as dotted text with list items by their id (`offerings[10dlc].lead_hours`), as
    `catalog show` and the stale facts print it."""
    for name in type(model).model_fields:
        yield from _walk_value(getattr(model, name), kind, (*loc, name),
                               f"{path}.{name}" if path else name)


def _walk_value(value: Any, kind: type, loc: tuple, path: str):
    if isinstance(value, kind):
        yield loc, path, value
    elif isinstance(value, BaseModel):
        yield from walk(value, kind, loc, path)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk_value(item, kind, (*loc, key), f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            label = getattr(item, "id", None) or index
            yield from _walk_value(item, kind, (*loc, index), f"{path}[{label}]")


def _fact(name: str, value: Any, defaults: dict) -> Any:
    """A bare number or a fact's mapping with the block's provenance filled in."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "source" not in defaults or "as_of" not in defaults:
            raise ValueError(
                f"{name}: a bare number needs provenance; write {{value, source, as_of}} "
                "or give this block `source` and `as_of`"
            )
        return {"value": value, **defaults}
    if isinstance(value, dict):
        return {**defaults, **value}
    return value


def inherit_provenance(data: Any, fact_fields: tuple[str, ...], child_lists: tuple[str, ...] = (),
                       series_fields: tuple[str, ...] = (),
                       fact_maps: tuple[str, ...] = ()) -> Any:
    """Expand bare numbers into Facts using the block's own `source`/`as_of`/`estimate`.

    Children (offerings, curves) inherit the block's provenance unless they give their own;
    so do the facts of a mapping of facts (`fact_maps`: key -> fact, as effort by kind).
    Called by the `mode="before"` validators of catalog models; leaves anything else alone so
    that pydantic reports the real type error.
    """
    if not isinstance(data, dict):
        return data
    defaults = {key: data[key] for key in PROVENANCE_KEYS if key in data}
    out = dict(data)
    for name in fact_fields:
        if name in out:
            out[name] = _fact(name, out[name], defaults)
    for name in fact_maps:
        value = out.get(name)
        if isinstance(value, dict):
            out[name] = {k: _fact(f"{name}.{k}", v, defaults) for k, v in value.items()}
    for name in series_fields:
        value = out.get(name)
        if isinstance(value, dict):
            out[name] = {**defaults, **value}
    for name in child_lists:
        children = out.get(name)
        if isinstance(children, list):
            out[name] = [{**defaults, **c} if isinstance(c, dict) else c for c in children]
        elif isinstance(children, dict):  # mapping of name -> block
            out[name] = {k: ({**defaults, **c} if isinstance(c, dict) else c)
                         for k, c in children.items()}
    return out
