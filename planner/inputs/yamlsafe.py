"""Read untrusted YAML safely and remember the line of every key and list item.

Only `yaml.SafeLoader` constructors are used (no arbitrary Python objects). Anchors and
aliases are allowed, because catalogs use them for shared defaults (`<<: *defaults`), but
bounded: at most MAX_ALIASES alias references per file, and the aliases may add at most
MAX_ALIAS_EXPANSION nodes to what the document would be without them. The second cap is the
one that stops a "billion laughs" file, whose 81 aliases would expand to ~400 million nodes;
it is computed on the composed node graph (memoized), so refusing it takes microseconds.
Recursive aliases (`&a [*a]`) and nesting deeper than MAX_DEPTH (also through aliases) are
refused too, so that nothing downstream can recurse without bound.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from planner.errors import InputError

MAX_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 100
MAX_ALIASES = 1000
MAX_ALIAS_EXPANSION = 100_000
MERGE_TAG = "tag:yaml.org,2002:merge"

Path_ = tuple[Any, ...]


class _Refused(yaml.YAMLError):
    """A document we will not load, with the line of the node that made us refuse."""

    def __init__(self, message: str, node_or_mark: Any):
        mark = getattr(node_or_mark, "start_mark", node_or_mark)
        self.message, self.line = message, (mark.line + 1 if mark is not None else None)
        super().__init__(message)


class LineIndex:
    """Maps a field path (keys and list indexes) to the 1-based line it was written on.

    `line(path)` falls back to the nearest ancestor that exists, so a missing field is
    reported at the mapping that should have held it.
    """

    def __init__(self, lines: dict[Path_, int] | None = None):
        self.lines: dict[Path_, int] = lines or {}

    def line(self, path: Path_ | list[Any]) -> int | None:
        path = tuple(path)
        for end in range(len(path), -1, -1):
            try:
                found = self.lines.get(path[:end])
            except TypeError:  # an unhashable path component: look at its ancestors
                continue
            if found is not None:
                return found
        return None


@dataclass
class Origin:
    """Where each value of a (possibly merged) document came from.

    Mirrors the data: `kids` is a dict for a mapping, a list for a list. Built per file with
    `Origin.of`, then spliced together when catalog layers merge, so an error in the merged
    result can be pinned on the file and line that supplied the offending value.
    """

    file: str | None
    line: int | None
    kids: dict[Any, Origin] | list[Origin] | None = None

    @classmethod
    def of(cls, data: Any, file: str, index: LineIndex, inherited: tuple[str, ...] = (),
           path: Path_ = ()) -> Origin:
        """Origins of `data` read from `file`. A key in `inherited` that is not in the file
        (copied down from an enclosing block, like `as_of`) gets the line of the nearest
        enclosing block that writes it, so one wrong value is reported once, where it is."""
        kids: Any = None
        if isinstance(data, dict):
            kids = {k: cls.of(v, file, index, inherited, path + (k,)) for k, v in data.items()}
        elif isinstance(data, list):
            kids = [cls.of(v, file, index, inherited, path + (i,)) for i, v in enumerate(data)]
        line = index.lines.get(path)
        if line is None and path and path[-1] in inherited:
            line = next((index.lines[p] for end in range(len(path) - 2, -1, -1)
                         if (p := path[:end] + path[-1:]) in index.lines), None)
        return cls(file, line if line is not None else index.line(path), kids)

    def locate(self, loc: Path_) -> tuple[str | None, int | None]:
        """File and line of `loc`, or of its nearest ancestor that has an origin."""
        node = self
        for part in loc:
            kids = node.kids
            if isinstance(kids, list) and isinstance(part, int) and 0 <= part < len(kids):
                node = kids[part]
            elif isinstance(kids, dict) and hashable(part) and part in kids:
                node = kids[part]
            else:
                break
        return node.file, node.line


def hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


if yaml.__with_libyaml__:
    from yaml._yaml import CParser as _CParser

    class _Parsed(yaml.composer.Composer, _CParser, yaml.constructor.SafeConstructor,
                  yaml.resolver.Resolver):
        """Events from libyaml's C parser (3x faster than PyYAML's pure-Python one on the
        shipped catalog), composed into nodes by PyYAML's Python composer, so that the
        limits below apply while composing."""

        def __init__(self, stream: str):
            _CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
else:  # PyYAML built without libyaml: the same, all in Python
    _Parsed = yaml.SafeLoader


class _Limits:
    """SafeLoader with depth and alias limits, duplicate-key errors and no stray exceptions
    (mixed into a parser: _Loader below, or PyYAML's pure-Python one)."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _Refused(f"more than {MAX_ALIASES} aliases (*name); refusing to expand "
                               "them", self.peek_event().start_mark)
            return super().compose_node(parent, index)
        if not self.check_event(yaml.MappingStartEvent, yaml.SequenceStartEvent):
            return super().compose_node(parent, index)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(f"nesting deeper than {MAX_DEPTH} levels",
                               self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (yaml.YAMLError, RecursionError):
            raise
        except Exception as exc:  # e.g. `2026-02-30` or `!!int abc`: ValueError in PyYAML
            what = f"{node.value!r:.60}" if isinstance(node, ScalarNode) else "this value"
            raise ConstructorError(None, None, f"cannot read {what} as "
                                   f"{node.tag.rsplit(':', 1)[-1]}: {exc}",
                                   node.start_mark) from exc

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, MappingNode):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                if not isinstance(key_node, ScalarNode) or key_node.tag == MERGE_TAG:
                    continue
                key, line = self.construct_object(key_node), key_node.start_mark.line + 1
                try:
                    first = seen.get(key)
                except TypeError:  # unhashable: SafeConstructor reports it below
                    continue
                if first is not None:
                    raise _Refused(f"duplicate key {key!r} (first at line {first}, again at "
                                   f"line {line}); remove one of them", key_node)
                seen[key] = line
        return super().construct_mapping(node, deep=deep)


class _Loader(_Limits, _Parsed):
    pass


class _PureLoader(_Limits, yaml.SafeLoader):
    pass


def _check_graph(root: Node) -> None:
    """Refuse recursive aliases, effective depth > MAX_DEPTH and alias blow-up.

    Heights and expanded sizes are memoized per node, so shared (aliased) subtrees are
    measured once however often they are referenced.
    """
    done: dict[int, tuple[int, int]] = {}  # id(node) -> (collection height, expanded size)
    active: set[int] = set()

    def measure(node: Node, depth: int) -> tuple[int, int]:
        key = id(node)
        if key in active:
            raise _Refused("recursive alias: a node contains an alias to itself", node)
        if key not in done:
            if isinstance(node, ScalarNode):
                done[key] = (0, 1)
            else:
                if depth >= MAX_DEPTH:
                    raise _Refused(f"nesting deeper than {MAX_DEPTH} levels", node)
                active.add(key)
                children = node.value if isinstance(node, SequenceNode) else [
                    n for pair in node.value for n in pair]
                height, size = 0, 1
                for child in children:
                    child_height, child_size = measure(child, depth + 1)
                    height, size = max(height, child_height), size + child_size
                active.discard(key)
                done[key] = (height + 1, size)
        height, size = done[key]
        if depth + height > MAX_DEPTH:
            raise _Refused(f"nesting deeper than {MAX_DEPTH} levels (through aliases)", node)
        return height, size

    _, expanded = measure(root, 0)
    if expanded - len(done) > MAX_ALIAS_EXPANSION:
        raise _Refused(f"aliases would expand this document by {expanded - len(done):,} nodes "
                       f"(limit {MAX_ALIAS_EXPANSION:,}); refusing it as an alias bomb", root)


def _index(loader: _Loader, node: Node, path: Path_, lines: dict[Path_, int]) -> None:
    """Record the line of every key and list item below `node` (merge keys already applied)."""
    if isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            lines[path + (i,)] = item.start_mark.line + 1
            _index(loader, item, path + (i,), lines)
    elif isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                continue
            key = loader.construct_object(key_node, deep=True)
            try:
                lines[path + (key,)] = key_node.start_mark.line + 1
            except TypeError:
                continue
            _index(loader, value_node, path + (key,), lines)


def _read_text(path: Path) -> str:
    name = str(path)
    try:
        if path.is_dir():
            raise InputError("is a directory; expected a YAML file", file=name)
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(f"file is {size / 2**20:.1f} MB; the limit is {MAX_BYTES // 2**20} "
                             "MB", file=name)
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise InputError("file not found", file=name) from None
    except PermissionError:
        raise InputError("permission denied; cannot read this file", file=name) from None
    except OSError as exc:
        raise InputError(f"cannot read this file: {exc.strerror or exc}", file=name) from None
    if len(raw) > MAX_BYTES:
        raise InputError(f"file is larger than the limit of {MAX_BYTES // 2**20} MB", file=name)
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError("file is UTF-16; save it as UTF-8", file=name, line=1)
    if b"\x00" in raw:
        line = raw[:raw.index(b"\x00")].count(b"\n") + 1
        raise InputError("contains NUL bytes: this is a binary file, not YAML text",
                         file=name, line=line)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(f"not valid UTF-8: byte 0x{raw[exc.start]:02x} at column {column}; "
                         "save the file as UTF-8", file=name, line=line) from None


def _yaml_problem(exc: yaml.YAMLError, text: str) -> tuple[int | None, str]:
    """Line and readable message of a PyYAML error."""
    if isinstance(exc, _Refused):
        return exc.line, exc.message
    if isinstance(exc, yaml.reader.ReaderError):
        line = text[:exc.position].count("\n") + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        return line, (f"contains the control character U+{ord(char):04X}; expected YAML text "
                      "(is this a binary file?)")
    if isinstance(exc, yaml.composer.ComposerError) and "single document" in str(exc.context):
        mark = exc.problem_mark
        return (mark.line + 1 if mark else None), ("a second YAML document starts here (---); "
                                                   "expected one document per file")
    if isinstance(exc, yaml.MarkedYAMLError) and "maximum nesting depth" in str(exc.problem):
        mark = exc.problem_mark  # libyaml's own limit (1,000 levels), above ours
        return (mark.line + 1 if mark is not None else None), \
            f"nesting deeper than {MAX_DEPTH} levels"
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        message = f"invalid YAML: {exc.problem or exc.context}"
        if mark is not None:
            message += f" (column {mark.column + 1})"
        if exc.context and exc.problem and exc.context_mark is not None:
            message += f", {exc.context} at line {exc.context_mark.line + 1}"
        if _char_at(text, exc.problem_mark) == "\t":
            message += "; that character is a tab: indent YAML with spaces"
        return (mark.line + 1 if mark is not None else None), message
    return None, f"invalid YAML: {exc}"


def _char_at(text: str, mark) -> str | None:
    lines = text.split("\n")
    if mark is None or mark.line >= len(lines) or mark.column >= len(lines[mark.line]):
        return None
    return lines[mark.line][mark.column]


def read_yaml(path: str | Path, loader_class: type = _Loader) -> tuple[Any, LineIndex]:
    """Parse one YAML file whose top level must be a mapping; return it and its line index.

    Anchors and aliases are allowed within the limits described in the module docstring.
    """
    name = str(path)
    text = _read_text(Path(path))
    loader: _Loader | None = None
    try:
        loader = loader_class(text)
        node = loader.get_single_node()
        if node is None:
            raise InputError("file is empty; expected a mapping (key: value lines)", file=name)
        _check_graph(node)
        data = loader.construct_document(node)
        if not isinstance(data, dict):
            kind = "a list" if isinstance(data, list) else f"a single value ({data!r:.40})"
            raise InputError(f"top level is {kind}; expected a mapping (key: value lines)",
                             file=name, line=node.start_mark.line + 1)
        lines: dict[Path_, int] = {(): node.start_mark.line + 1}
        _index(loader, node, (), lines)
    except yaml.YAMLError as exc:
        line, message = _yaml_problem(exc, text)
        raise InputError(message, file=name, line=line) from None
    except RecursionError:
        raise InputError(f"nesting too deep (limit {MAX_DEPTH} levels)", file=name) from None
    finally:
        if loader is not None:
            loader.dispose()
    return data, LineIndex(lines)
