"""Load & validate: YAML files -> validated models, with errors that point at file:line.

Pure except for reading files. Every problem with the input becomes an `InputError`; a
pydantic `ValidationError` is translated item by item into `file:line: field.path: message`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from planner.errors import InputError, InputErrorItem
from planner.inputs.yamlsafe import LineIndex, Origin, hashable, read_yaml
from planner.models.base import PROVENANCE_KEYS, Located
from planner.models.catalog import Catalog, Provider, ServiceOffering, ServiceVendor
from planner.models.inventory import Inventory
from planner.models.provider_facts import Offering, raise_below_quota
from planner.models.scenario import Scenario

__all__ = ["LineIndex", "detect_kind", "load_catalog", "load_inventory", "load_scenario",
           "read_yaml", "shipped_catalog_paths", "validate_file"]

Kind = Literal["inventory", "catalog", "scenario"]
M = TypeVar("M", bound=BaseModel)
Locate = Callable[[tuple[Any, ...]], tuple[str | None, int | None]]
ENTRY_LISTS = {"providers": (Provider, Offering), "services": (ServiceVendor, ServiceOffering)}
CATALOG_DIR = Path(__file__).parent / "catalog"


# --- single documents -----------------------------------------------------------------------

def load_inventory(path: str | Path) -> Inventory:
    data, index = read_yaml(path)
    return _validate(Inventory, data, str(path), index)


def load_scenario(path: str | Path) -> Scenario:
    data, index = read_yaml(path)
    return _validate(Scenario, data, str(path), index)


def _validate(model: type[M], data: Any, file: str, index: LineIndex) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _input_error(exc, data, lambda loc: (file, index.line(loc))) from None


def detect_kind(data: Any, *, file: str | None = None) -> Kind:
    """Tell the document kind from its top-level keys (`services` is a mapping in an
    inventory and a list in a catalog)."""
    if not isinstance(data, dict):
        raise InputError("top level must be a mapping", file=file)
    keys = set(data)
    if keys & {"groups", "source", "horizon_hours", "currency", "decision_date", "policy"}:
        return "inventory"
    if keys & {"providers", "currencies", "remove", "effort"} \
            or isinstance(data.get("services"), list):
        return "catalog"
    if "name" in keys and "services" not in keys:
        return "scenario"
    raise InputError("cannot tell what this file is: expected `groups` (an inventory), "
                     "`providers`/`services`/`currencies` (a catalog) or `name` with "
                     "overrides (a scenario) at the top level", file=file, line=1)


def validate_file(path: str | Path) -> Kind:
    """Validate one file of any kind. A catalog file is validated as it would be used: as a
    layer over the shipped catalog (a shipped file itself, alone), so partial overrides of
    shipped providers are accepted."""
    data, index = read_yaml(path)
    kind = detect_kind(data, file=str(path))
    if kind == "catalog":
        shipped = shipped_catalog_paths()
        if Path(path).resolve() in {p.resolve() for p in shipped}:
            shipped = []
        load_catalog([*shipped, Path(path)])
    else:
        _validate(Inventory if kind == "inventory" else Scenario, data, str(path), index)
    return kind


# --- catalog layers -------------------------------------------------------------------------

def shipped_catalog_paths() -> list[Path]:
    """The catalog files shipped in `planner/inputs/catalog/`, in name order (maybe none)."""
    if not CATALOG_DIR.is_dir():
        return []
    return sorted(p for p in CATALOG_DIR.iterdir()
                  if p.suffix in (".yaml", ".yml") and p.is_file())


def load_catalog(paths: list[Path]) -> Catalog:
    """Merge catalog layers in order (later files override earlier ones), then validate.

    Layering rules: providers and vendors with the same `id` are deep-merged field by
    field; `offerings` merge by `id`; other lists replace; `currencies` merge by key; a
    layer's `remove: [id, ...]` drops entries of earlier files before its own are added
    (so remove + re-add replaces an entry whole). A mapping holding `value`/`values` (a Fact
    or Series) replaces the earlier one whole, so a new number never keeps an old source.
    Bare numbers are expanded into Facts with their own layer's provenance *before*
    merging, for the same reason: a user's number must not inherit the shipped source.
    """
    layers = [(str(p), *read_yaml(p)) for p in paths]
    for file, data, _ in layers:
        kind = _kind_or_none(data)
        if kind in ("inventory", "scenario"):
            raise InputError(f"this is an {kind} file, not a catalog: give it as the "
                             f"{'INVENTORY argument' if kind == 'inventory' else '-s option'}, "
                             "and catalog layers with -c", file=file)
    return _merge_catalog(layers)


def _kind_or_none(data: Any) -> Kind | None:
    try:
        return detect_kind(data)
    except InputError:
        return None  # the merge reports what is wrong with it


def _merge_catalog(layers: list[tuple[str, Any, LineIndex]]) -> Catalog:
    merger = _Merger()
    for file, data, index in layers:
        merger.add(file, data, index)
    if merger.errors:
        raise InputError(errors=_sorted(merger.errors))
    if len(layers) > 1:  # catalog-wide errors cannot be pinned on one file
        merger.origin.file, merger.origin.line = " + ".join(f for f, _, _ in layers), None
    try:
        return Catalog.model_validate(merger.data)
    except ValidationError as exc:
        raise _input_error(exc, merger.data, merger.origin.locate) from None


_MISSING: Any = object()


class _Id(str):
    """A path component naming a list entry by its id."""


@dataclass
class _Merger:
    """Accumulates catalog layers: merged data, its origins, and problems found merging."""

    data: dict[str, Any] = field(default_factory=dict)
    origin: Origin = field(default_factory=lambda: Origin(None, None, {}))
    errors: list[InputErrorItem] = field(default_factory=list)

    def add(self, file: str, data: dict[str, Any], index: LineIndex) -> None:
        data = dict(data)
        if "remove" in data:
            self._remove(data.pop("remove"), file, index)
        data = self._expand(data, file, index)
        self.data, self.origin = self._merge(
            self.data, data, self.origin, Origin.of(data, file, index, PROVENANCE_KEYS), ())
        self._check_raises(data, file, index)

    def _check_raises(self, layer: dict[str, Any], file: str, index: LineIndex) -> None:
        """Each raise this layer sets is at least the quota in force once it is merged."""
        providers = self.data.get("providers")
        merged = {_entry_id(e): e for e in providers if isinstance(e, dict)} \
            if isinstance(providers, list) else {}
        entries = layer.get("providers")  # not a list: validation says so, with its line
        for i, entry in enumerate(entries if isinstance(entries, list) else []):
            if not isinstance(entry, dict) or "quota_raise_servers" not in entry:
                continue
            now = merged.get(_entry_id(entry), {})
            problem = raise_below_quota(now.get("quota_raise_servers"), now.get("quota_servers"))
            if problem:
                where = ("providers", i, "quota_raise_servers")
                self._error(problem, file, index.line(where), _render(where, layer))

    def _error(self, message: str, file: str, line: int | None, path: str) -> None:
        self.errors.append(InputErrorItem(message, file, line, path))

    def _remove(self, ids: Any, file: str, index: LineIndex) -> None:
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            return self._error("expected a list of provider or vendor ids", file,
                               index.line(("remove",)), "remove")
        for n, entry_id in enumerate(ids):
            if not self._drop(entry_id):
                self._error(f"no provider or vendor {entry_id!r} in the files before this one",
                            file, index.line(("remove", n)), f"remove[{n}]")

    def _drop(self, entry_id: str) -> bool:
        for key in ENTRY_LISTS:
            entries = self.data.get(key)
            for j, entry in enumerate(entries if isinstance(entries, list) else []):
                if _entry_id(entry) == entry_id:
                    kids = self.origin.kids[key]  # type: ignore[index]
                    self.data[key] = entries[:j] + entries[j + 1:]
                    self.origin.kids[key] = Origin(  # type: ignore[index]
                        kids.file, kids.line, kids.kids[:j] + kids.kids[j + 1:])
                    return True
        return False

    def _expand(self, data: dict[str, Any], file: str, index: LineIndex) -> dict[str, Any]:
        """Turn this layer's bare numbers into Facts using this layer's provenance."""
        for key, (parent, child) in ENTRY_LISTS.items():
            if not isinstance(data.get(key), list):
                continue
            entries = []
            for i, entry in enumerate(data[key]):
                try:
                    entry = parent._provenance(entry)
                except ValueError as exc:
                    self._error(str(exc), file, index.line((key, i)), _render((key, i), data))
                if isinstance(entry, dict) and isinstance(entry.get("offerings"), list):
                    offerings = []
                    for j, offering in enumerate(entry["offerings"]):
                        where = (key, i, "offerings", j)
                        try:
                            offering = child._provenance(offering)
                        except ValueError as exc:
                            self._error(str(exc), file, index.line(where), _render(where, data))
                        offerings.append(offering)
                    entry = {**entry, "offerings": offerings}
                entries.append(entry)
            data = {**data, key: entries}
        return data

    def _merge(self, old: Any, new: Any, o_old: Origin | None, o_new: Origin,
               path: tuple[Any, ...]) -> tuple[Any, Origin]:
        """Merge `new` over `old` without mutating either; returns (value, origin).

        New mappings are merged into an empty one too, so that every keyed list, old or
        new, is checked for ids repeated within one file.
        """
        if old is _MISSING:
            if isinstance(new, dict):
                old, o_old = {}, Origin(None, None, {})
            elif isinstance(new, list) and _keyed(path):
                old, o_old = [], Origin(None, None, [])
            else:
                return new, o_new
        whole = (isinstance(new, dict) and bool(path) and not _keyed(path[:-1])
                 and ("value" in new or "values" in new))  # a Fact or Series: never spliced
        if isinstance(old, dict) and isinstance(new, dict) and not whole:
            out, kids = dict(old), dict(o_old.kids)  # type: ignore[arg-type]
            for key, value in new.items():
                if key in out:
                    out[key], kids[key] = self._merge(out[key], value, kids[key],
                                                      o_new.kids[key], path + (key,))
                else:
                    out[key], kids[key] = self._merge(_MISSING, value, None,
                                                      o_new.kids[key], path + (key,))
            return out, Origin(o_new.file, o_new.line, kids)
        if isinstance(old, list) and isinstance(new, list) and _keyed(path):
            out, kids = list(old), list(o_old.kids)  # type: ignore[arg-type]
            at = {e["id"]: j for j, e in enumerate(out) if _entry_id(e) is not None}
            seen: dict[str, int] = {}
            for j, item in enumerate(new):
                o_item, entry_id = o_new.kids[j], _entry_id(item)  # type: ignore[index]
                if entry_id is not None and entry_id in seen:
                    self._error(f"id {entry_id!r} appears twice in this list (lines "
                                f"{seen[entry_id]} and {o_item.line})", o_item.file or "",
                                o_item.line, _render_path(path + (_Id(entry_id),)))
                    continue
                if entry_id is not None:
                    seen[entry_id] = o_item.line or 0
                if entry_id in at:
                    k = at[entry_id]
                    out[k], kids[k] = self._merge(out[k], item, kids[k], o_item,
                                                  path + (_Id(entry_id),))
                else:
                    value, origin = self._merge(_MISSING, item, None, o_item, path + (
                        j if entry_id is None else _Id(entry_id),))
                    out.append(value)
                    kids.append(origin)
                    if entry_id is not None:
                        at[entry_id] = len(out) - 1
            return out, Origin(o_new.file, o_new.line, kids)
        return new, o_new


def _keyed(path: tuple[Any, ...]) -> bool:
    """Lists merged by `id`: providers, services and their offerings."""
    return (len(path) == 1 and path[0] in ENTRY_LISTS) or (
        len(path) == 3 and path[0] in ENTRY_LISTS and path[2] == "offerings")


def _entry_id(item: Any) -> str | None:
    return item["id"] if isinstance(item, dict) and isinstance(item.get("id"), str) else None


def _group_name(item: Any) -> str | None:
    """Inventory groups are named, not id'd: `groups[web].count`, as the user wrote it."""
    return item["name"] if isinstance(item, dict) and isinstance(item.get("name"), str) \
        else None


# --- error translation ----------------------------------------------------------------------

def _render_path(path: tuple[Any, ...]) -> str:
    text = ""
    for part in path:
        if isinstance(part, _Id):
            text += f"[{part}]"
        elif isinstance(part, int) and not isinstance(part, bool):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _render(loc: tuple[Any, ...], data: Any) -> str:
    """`providers.3.offerings.1.vcpu` -> `providers[hetzner-cloud].offerings[cx22].vcpu`."""
    parts: list[Any] = []
    for part in loc:
        if isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
            label = _entry_id(data) or _group_name(data)
            shown = label is not None and label.isprintable() and 0 < len(label) <= 60
            parts.append(_Id(label) if shown else part)  # a hostile name stays an index
            continue
        parts.append(part)
        data = data.get(part) if isinstance(data, dict) and hashable(part) else None
    return _render_path(tuple(parts))


def _shorten(value: Any) -> str:
    text = value.isoformat() if isinstance(value, date) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _message(err: dict[str, Any]) -> str:
    kind, msg, value = err["type"], err["msg"], err.get("input")
    msg = msg.removeprefix("Value error, ")
    if kind == "extra_forbidden":
        msg = "unknown field (check its spelling and indentation)"
    if kind == "missing" or (isinstance(value, (dict, list)) and kind in (
            "value_error", "assertion_error")):
        return msg
    got = {dict: "a mapping", list: "a list"}.get(type(value)) or _shorten(value)
    hint = ""
    if kind == "string_type" and isinstance(value, bool):
        hint = "; YAML reads yes/no/on/off/true/false as booleans: put the value in quotes"
    elif kind == "string_type" and isinstance(value, (date, int, float)):
        hint = "; YAML did not read this as text: put the value in quotes"
    elif kind in ("int_type", "float_type") and isinstance(value, str):
        hint = "; numbers must not be quoted"
    return f"{msg} (got {got}){hint}"


def _input_error(exc: ValidationError, data: Any, locate: Locate) -> InputError:
    """One item per distinct (file, line, message): an inherited value is reported once."""
    items: dict[tuple[Any, ...], InputErrorItem] = {}
    for err in exc.errors(include_url=False):
        where = (err.get("ctx") or {}).get("error")
        loc = tuple(err["loc"]) + (where.loc if isinstance(where, Located) else ())
        file, line = locate(loc)
        message = _message(err)
        items.setdefault((file, line, message),
                         InputErrorItem(message, file, line, _render(loc, data) or None))
    return InputError(errors=_sorted(list(items.values())))


def _sorted(items: list[InputErrorItem]) -> list[InputErrorItem]:
    return sorted(items, key=lambda i: (i.file or "", i.line or 0))


PLACEHOLDER = "# FILL IN:"  # what `planner import` writes beside a value it had to guess


def placeholder_lines(path: str | Path) -> list[int]:
    """The lines of `path` whose value is still an import's placeholder (`# FILL IN:`)."""
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []  # reading it for real reports the problem
    return [n for n, line in enumerate(text.splitlines(), 1) if PLACEHOLDER in line]
