"""What the files say about who calls whom, as importers read it: the security groups a
server holds, the load-balancer target groups it sits in, the host names it answers on and
the text (user_data) that may name another's; and the ingress rules and load balancers
that join security groups. `planner.importers.depends` turns these into dependencies.
"""

from __future__ import annotations

import base64
import binascii
import re
import zlib
from dataclasses import dataclass, field
from typing import Any

MAX_TEXT = 64 * 1024   # AWS caps user_data at 16 KB; decompressed cloud-init may be larger
MAX_REFS = 200         # references kept per list: enough for real servers, bounded for junk
SHA1 = re.compile(r"[0-9a-fA-F]{40}")
BASE64 = re.compile(r"[A-Za-z0-9+/\r\n]+={0,2}")
PROTOCOLS = {"-1": "all traffic", "all": "all traffic", "6": "tcp", "17": "udp"}


@dataclass
class Links:
    """One server's side of the evidence."""

    holder: str = ""                                               # names it in evidence
    security_groups: list[str] = field(default_factory=list)       # ids, or default-VPC names
    target_groups: list[str] = field(default_factory=list)         # target group ARNs
    endpoints: list[str] = field(default_factory=list)             # host names it answers on
    texts: list[tuple[str, str]] = field(default_factory=list)     # (where, text): user_data

    def merge(self, other: Links) -> None:
        """Add what another record of the same server says (a server in two files)."""
        for mine, theirs in ((self.security_groups, other.security_groups),
                             (self.target_groups, other.target_groups),
                             (self.endpoints, other.endpoints)):
            mine += [x for x in theirs if x not in mine]
        self.texts += [t for t in other.texts if t not in self.texts]


@dataclass(frozen=True)
class Rule:
    """Security group `target` admits traffic from security group `source`."""

    target: str
    source: str
    ports: str     # "tcp/5432", "tcp/8000-8100", "all traffic"
    origin: str    # the resource that states it


@dataclass
class Balancer:
    label: str
    security_groups: list[str]
    dns: str | None


@dataclass
class Network:
    """Facts that join security groups, whichever file stated them (ids are global)."""

    rules: list[Rule] = field(default_factory=list)
    groups: dict[str, str] = field(default_factory=dict)            # sg id -> its resource
    names: dict[str, set[str]] = field(default_factory=dict)        # sg name -> ids
    balancers: dict[str, Balancer] = field(default_factory=dict)    # LB ARN -> balancer
    target_groups: dict[str, str] = field(default_factory=dict)     # TG ARN -> its resource
    tg_balancers: dict[str, set[str]] = field(default_factory=dict)  # TG ARN -> LB ARNs
    listeners: dict[str, str] = field(default_factory=dict)         # listener ARN -> LB ARN
    forwards: set[tuple[str, str]] = field(default_factory=set)     # (listener ARN, TG ARN)
    attachments: dict[str, set[str]] = field(default_factory=dict)  # TG ARN -> target ids

    def update(self, other: Network) -> None:
        self.rules = list(dict.fromkeys(self.rules + other.rules))
        self.groups.update(other.groups)
        self.balancers.update(other.balancers)
        self.target_groups.update(other.target_groups)
        self.listeners.update(other.listeners)
        self.forwards |= other.forwards
        for mine, theirs in ((self.names, other.names), (self.tg_balancers, other.tg_balancers),
                             (self.attachments, other.attachments)):
            for key, values in theirs.items():
                mine.setdefault(key, set()).update(values)

    def balancers_of(self, tg: str) -> set[str]:
        """The load balancers sending to a target group: its own list, and listeners."""
        via = {self.listeners[lis] for lis, t in self.forwards if t == tg and lis in self.listeners}
        return self.tg_balancers.get(tg, set()) | via

    def resolve(self, ref: str) -> str:
        """A security group reference as an id: `owner/sg-x` -> `sg-x`; a name (default VPC)
        -> its id when only one group in the files has that name."""
        owned = re.fullmatch(r"\d{12}/(sg-[0-9a-fA-F]+)", ref)
        ref = owned.group(1) if owned else ref
        ids = self.names.get(ref, set())
        return next(iter(ids)) if not ref.startswith("sg-") and len(ids) == 1 else ref

    def label(self, sg: str) -> str:
        return f"{sg} ({self.groups[sg]})" if sg in self.groups else sg


def strings(value: Any) -> list[str]:
    """The non-empty strings of a list (a state's set or list), bounded."""
    if not isinstance(value, list):
        return []
    return [v.strip() for v in value[:MAX_REFS] if isinstance(v, str) and v.strip()]


def host(value: Any) -> str | None:
    """The host name of an endpoint (`host`, `host:port`, `scheme://host:port/path`), lower
    case; None unless it looks like a DNS name (a dot and a letter): a bare word proves
    nothing when found in someone's text."""
    if not isinstance(value, str):
        return None
    name = value.strip().lower().split("://", 1)[-1].split("/", 1)[0].rsplit("@", 1)[-1]
    name = name.split(":", 1)[0].rstrip(".")
    if len(name) < 6 or len(name) > 253 or "." not in name or not re.search(r"[a-z]", name):
        return None
    return name if re.fullmatch(r"[a-z0-9][a-z0-9.-]*", name) else None


def ports(protocol: Any, low: Any, high: Any) -> str:
    name = PROTOCOLS.get(str(protocol).lower(), str(protocol).lower()) if protocol else "?"
    if name == "all traffic":
        return name
    if isinstance(low, int) and isinstance(high, int) and not isinstance(low, bool):
        span = str(low) if low == high else f"{low}-{high}"
        return f"{name}/{'all ports' if (low, high) in ((0, 65535), (-1, -1)) else span}"
    return name


def _decoded(value: str) -> str | None:
    """Base64 (perhaps of gzip, as cloud-init takes it) as text; None when it is not."""
    if len(value) < 8 or not BASE64.fullmatch(value):
        return None
    try:
        data = base64.b64decode(value, validate=False)
        if data[:2] == b"\x1f\x8b":
            data = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, MAX_TEXT)
    except (binascii.Error, ValueError, zlib.error):
        return None
    text = data[:MAX_TEXT].decode("utf-8", errors="replace")
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return text if text and printable >= 0.9 * len(text) else None


def user_data(value: Any, where: str) -> list[tuple[str, str]]:
    """What a user_data attribute says, as (where, text) to search for endpoints: plain
    text, or decoded base64; nothing when the state holds only its SHA-1 (providers before
    6.0 store aws_instance user_data that way), which says nothing about its content."""
    if not isinstance(value, str) or not value.strip() or SHA1.fullmatch(value.strip()):
        return []
    decoded = _decoded(value.strip())
    if decoded is not None:
        return [(f"{where} (base64-decoded)", decoded)]
    return [(where, value[:MAX_TEXT])]
