"""Writing HCL (OpenTofu/Terraform) by hand: quoted strings that stay literal whatever they
hold, identifiers made from hostname labels, and blocks laid out as `tofu fmt` lays them out
(two spaces, `=` aligned within a run of attributes), so that the same plan gives the same
bytes and a reviewer's `tofu fmt -check` passes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# HCL string escapes (hashicorp/hcl hclsyntax spec, "Template Literals"): \n \r \t \" \\
# \uNNNN \UNNNNNNNN. Everything else below U+0020, DEL and the line/paragraph separators
# is written as \uNNNN so a file never holds a raw control character.
_SIMPLE = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def _escape_char(ch: str) -> str:
    if ch in _SIMPLE:
        return _SIMPLE[ch]
    if ord(ch) < 0x20 or ch in "\x7f\u2028\u2029":
        return f"\\u{ord(ch):04x}"
    return ch


def escape(text: str) -> str:
    """`text` as the inside of an HCL quoted string: escapes, and the template sequences
    `${` and `%{` doubled (`$${`, `%%{`) so that nothing in it is ever interpolated."""
    body = "".join(_escape_char(ch) for ch in str(text))
    return body.replace("${", "$${").replace("%{", "%%{")


def string(text: str) -> str:
    """A quoted HCL string literal holding exactly `text`."""
    return f'"{escape(text)}"'


def template(literal: str, expression: str) -> str:
    """A quoted HCL template: `literal` (escaped) followed by the interpolated
    `expression` (trusted: written by this package)."""
    return f'"{escape(literal)}${{{expression}}}"'


def ident(label: str) -> str:
    """A valid HCL identifier for a resource named after a hostname label: letters, digits,
    `_` and `-`, never starting with a digit or `-`."""
    name = re.sub(r"[^A-Za-z0-9_-]", "_", label)
    if not name or not (name[0].isalpha() or name[0] == "_"):
        name = "r_" + name
    assert _IDENT.match(name), name
    return name


def object_lines(pairs: list[tuple[str, str]], depth: int) -> str:
    """A multi-line object constructor `{ key = value ... }` at nesting `depth`, keys
    quoted (any text) and `=` aligned as `tofu fmt` aligns them."""
    keys = [string(k) for k, _ in pairs]
    width = max((len(k) for k in keys), default=0)
    inner = "  " * (depth + 1)
    body = "".join(f"{inner}{k.ljust(width)} = {v}\n" for k, (_, v) in zip(keys, pairs))
    return "{\n" + body + "  " * depth + "}"


def str_list(items) -> str:
    return "[" + ", ".join(string(i) for i in items) + "]"


@dataclass(frozen=True)
class Attr:
    """`key = expr`; `expr` is HCL already (use `string()` for literals)."""

    key: str
    expr: str


@dataclass(frozen=True)
class Comment:
    text: str  # one line; never holds input text (labels and numbers only)


@dataclass(frozen=True)
class Block:
    type: str
    labels: tuple[str, ...] = ()
    body: tuple = field(default_factory=tuple)  # Attr | Block | Comment


def block(type_: str, *labels: str, body=()) -> Block:
    return Block(type_, tuple(labels), tuple(body))


def _key(key: str) -> str:
    return key if _IDENT.match(key) else string(key)


def _render_attrs(run: list[Attr], pad: str) -> list[str]:
    """Attributes with `=` aligned as `tofu fmt` aligns them: within runs of one-line
    values; a value over several lines ends a run and is not padded."""
    lines: list[str] = []
    group: list[Attr] = []
    for attr in run + [None]:
        if attr is not None and "\n" not in attr.expr:
            group.append(attr)
            continue
        if group:
            width = max(len(_key(a.key)) for a in group)
            lines += [f"{pad}{_key(a.key).ljust(width)} = {a.expr}" for a in group]
            group = []
        if attr is not None:
            lines.append(f"{pad}{_key(attr.key)} = {attr.expr}")
    return lines


def render(item: Block, depth: int = 0) -> list[str]:
    """The lines of one block, nested blocks separated from attributes by a blank line."""
    pad = "  " * depth
    head = " ".join([item.type] + [string(label) for label in item.labels])
    if not item.body:
        return [f"{pad}{head} {{}}"]
    lines = [f"{pad}{head} {{"]
    run: list[Attr] = []
    previous = None
    for part in item.body:
        if isinstance(part, Attr):
            run.append(part)
            previous = "attr"
            continue
        if run:
            lines += _render_attrs(run, pad + "  ")
            run = []
        if isinstance(part, Comment):
            lines.append(f"{pad}  # {part.text}")
            previous = "comment"
            continue
        if previous in ("attr", "block"):
            lines.append("")
        lines += render(part, depth + 1)
        previous = "block"
    if run:
        lines += _render_attrs(run, pad + "  ")
    lines.append(f"{pad}}}")
    return lines


def document(header: list[str], blocks: list) -> str:
    """A .tf file: `header` comment lines, then the blocks, one blank line between; a
    Comment sits right above the block after it."""
    lines = [f"# {line}" if line else "#" for line in header]
    after_comment = False
    for item in blocks:
        if lines and not after_comment:
            lines.append("")
        if isinstance(item, Comment):
            lines.append(f"# {item.text}")
            after_comment = True
            continue
        lines += render(item)
        after_comment = False
    return "\n".join(lines) + "\n"
