"""Jinja2 filters of the runbook templates (see `planner.report.render._environment`): shell
quoting, hostname labels, money, shares, counts and Markdown-safe text.
"""

from __future__ import annotations

import math
import re
import shlex

HOSTNAME_OK = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
CAUSE_TITLE = {"no_fit": "No fit", "dns_ttl": "DNS TTL", "source_cutoff": "Source cut-off",
               "warm_up": "Warm-up", "end_of_life": "End of life",
               "provider_count": "Provider cap", "min_footprint": "Least footprint",
               "team": "Team hours", "spread_policy": "Spread policy"}


def shell_quote(value) -> str:
    """Quote any value that reaches a shell command in a runbook."""
    return shlex.quote(str(value))


def hostname(value: str) -> str:
    """A deterministic hostname label for a name that may not be one."""
    label = re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-")[:63].strip("-")
    return label or "group"


def money(value: float, currency: str = "") -> str:
    """Money alike everywhere: whole units, thousands separated; cents only below 100 and
    only when there are some; a price under a cent keeps two significant digits."""
    size = abs(value)
    if size >= 100 or abs(size - round(size)) < 0.005:
        text = f"{round(size):,}"
    elif size >= 0.01:
        text = f"{size:,.2f}"
    else:
        text = f"{size:.2g}"
    sign = "-" if value < 0 and text.strip("0.") else ""
    return f"{sign}{text} {currency}".strip()


def signed_money(value: float, currency: str = "") -> str:
    """A change of money: +1,200 USD, -30 USD, 0 USD (never -0)."""
    text = money(value, currency)
    return text if text.startswith(("-", "0 ")) or text == "0" else f"+{text}"


def signed(value: float) -> str:
    """A change of a count: +3, -1,200, 0 (never -0 or +0)."""
    rounded = round(value)
    return f"{rounded:+,}" if rounded else "0"


def points(share_change: float) -> str:
    """A change of share in percentage points, one decimal: +1.2 points, 0 points."""
    value = round(100 * share_change, 1)
    return f"{value:+.1f} points" if value else "0 points"


def count(value: float, unit: str, plural: str | None = None) -> str:
    """A count with its unit in the right number: 1 server, 2 servers, 1,000,000 servers."""
    return f"{num(value)} {unit if value == 1 else plural or unit + 's'}"


def capped(items: list[str], limit: int, more: str = "more") -> list[str]:
    """At most `limit` items, the rest said as one last item ("... and 12 more"), indented
    like the first item so it lines up in a list of terminal lines."""
    if len(items) <= limit:
        return list(items)
    pad = items[0][: len(items[0]) - len(items[0].lstrip())]
    return list(items[: limit - 1]) + [f"{pad}... and {len(items) - limit + 1} {more}"]


def pct(value: float) -> str:
    """A share as a percentage that never rounds a shortfall away (99.6% is not 100%);
    a negative one (a gain where a loss is shown) keeps its sign, never "-0%"."""
    if value < 0:
        return "0%" if value > -5e-4 else "-" + pct(-value)
    if 0.995 <= value < 1 - 1e-6:  # within a millionth it is whole (the solver's 0.9999999)
        return f"{math.floor(1000 * value) / 10:.1f}%"
    if 0 < value < 0.005:
        return "<1%"
    return f"{100 * value:.0f}%"


def num(value: float) -> str:
    """A count or size: thousands separated, no decimals unless it is small. Within a
    millionth of a whole number it is that number (a solver's 96,799.99999 GB is 96,800)."""
    if abs(value - round(value)) < 1e-6 * max(1.0, abs(value)):
        return f"{round(value):,}"
    return f"{value:,.1f}" if abs(value) >= 10 else f"{value:,.2g}"


MD_SPECIAL = re.compile(r"([\\`*\[\]<>|~])")
MD_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
MD_LEADING = re.compile(r"^([#+=-])")


def md_text(value) -> str:
    """Plain text safe in Markdown prose: one line, markup characters escaped."""
    text = " ".join(str(value).split())
    text = MD_SPECIAL.sub(r"\\\1", text)
    text = MD_UNDERSCORE.sub(r"\\_", text)
    return MD_LEADING.sub(r"\\\1", text)


def md_cell(value) -> str:
    """Text safe inside a Markdown table cell: one line, pipes escaped."""
    return " ".join(str(value).split()).replace("|", "\\|")


def code_span(value) -> str:
    """A name shown verbatim as inline code, whatever backticks it holds."""
    text = " ".join(str(value).split())
    run = max((len(m) for m in re.findall(r"`+", text)), default=0) if "`" in text else 0
    fence = "`" * (run + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def code_cell(value) -> str:
    """A code span inside a table cell (GitHub needs the pipes escaped even there)."""
    return code_span(value).replace("|", "\\|")


def fenced(body: str, lang: str = "", indent: int = 0) -> str:
    """A fenced code block longer than any backtick run inside it, optionally indented."""
    body = body.strip("\n")
    run = max((len(m) for m in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, run + 1)
    pad = " " * indent
    lines = [f"{fence}{lang}"] + body.split("\n") + [fence]
    return "\n".join((pad + line) if line else "" for line in lines)


def capacity(offering, measure: str) -> str:
    """The last value of a service offering's capacity curve, or "-" without one."""
    curve = offering.capacity.get(measure)
    return num(curve.values[-1]) if curve else "-"


def hours_text(value: float) -> str:
    """Hours from a catalog fact: whole when whole, thousands separated."""
    return f"{value:,g}"


def share(value: float) -> str:
    """A small share with one decimal, so 0.5% does not read as 0%."""
    if 0 < value < 0.001:
        return "<0.1%"
    if 0 < value < 0.1:
        return f"{100 * value:.1f}%"
    return pct(value)


def sentence(value) -> str:
    """Planner wording as a sentence: escaped, first letter upper case, one final stop."""
    text = md_text(value).rstrip(".")
    return (text[:1].upper() + text[1:] + ".") if text else ""


def cause_title(code: str) -> str:
    return CAUSE_TITLE.get(code, code.replace("_", " ").capitalize())


def hour_span(first: int, last: int) -> str:
    return f"hour {first}" if first == last else f"hours {first} to {last}"


def hour_or_never(hour: int | None) -> str:
    return "not within the horizon" if hour is None else f"hour {hour}"
