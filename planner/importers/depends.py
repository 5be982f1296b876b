"""Dependencies between groups (`depends_on`), inferred only from evidence the files state,
never from names:

1. an ingress rule of security group B admitting security group A: the servers holding A
   call the servers holding B;
2. the same through a load balancer: a rule of the balancer's security group admitting A
   makes A's servers depend on the servers in the balancer's target groups (a balancer no
   security group is admitted to is user-facing and makes no edge);
3. an endpoint (RDS, ElastiCache, a balancer's DNS name) named in a server's user_data or
   tag values.

A group never depends on itself (servers of one group talking to one another are peers,
not a tier). An edge that would close a cycle is dropped and reported; edges into data
tiers are kept first, as a server calling a database is the likeliest true dependency.
"""

from __future__ import annotations

import re
from typing import Iterator

from planner.importers.grouping import KIND_ORDER, Group
from planner.importers.network import Balancer, Network
from planner.importers.records import Server

Edges = dict[tuple[str, str], list[str]]   # (group, the group it depends on) -> evidence
Members = list[tuple[str, Server]]
Seats = dict[str, dict[str, str]]          # key -> group -> how the group's server is there


def _label(s: Server) -> str:
    return s.links.holder or s.origin


def _members(groups: list[Group]) -> Members:
    return sorted(((g.name, s) for g in groups for s in g.servers),
                  key=lambda m: (m[0], _label(m[1])))


def _holders(members: Members, net: Network) -> Seats:
    """Security group id -> group -> the first of its servers holding it."""
    held: Seats = {}
    for group, s in members:
        for ref in s.links.security_groups:
            held.setdefault(net.resolve(ref), {}).setdefault(group, _label(s))
    return held


def _in_target_groups(members: Members, net: Network) -> Seats:
    """Target group ARN -> group -> the first of its servers in it (ASG `target_group_arns`
    or an attachment naming the instance id)."""
    attached: dict[str, set[str]] = {}
    for tg, targets in net.attachments.items():
        for target in targets:
            attached.setdefault(target, set()).add(tg)
    seats: Seats = {}
    for group, s in members:
        for tg in sorted(set(s.links.target_groups) | attached.get(s.ident or "", set())):
            seats.setdefault(tg, {}).setdefault(group, _label(s))
    return seats


def _balanced(seats: Seats, net: Network) -> Iterator[tuple[Balancer, str, str, str]]:
    """(balancer, phrase for its target group, group, first server) for each group behind
    a balancer the files state."""
    for tg in sorted(seats):
        for arn in sorted(net.balancers_of(tg)):
            lb = net.balancers.get(arn)
            if lb is not None:
                via = f"whose target group {net.target_groups.get(tg, tg)} sends to"
                for group, who in seats[tg].items():
                    yield lb, via, group, who


def _behind(seats: Seats, net: Network) -> Seats:
    """A balancer's security group id -> group -> how the group's servers sit behind it."""
    behind: Seats = {}
    for lb, via, group, who in _balanced(seats, net):
        for sg in lb.security_groups:
            behind.setdefault(net.resolve(sg), {}).setdefault(
                group, f"it is load balancer {lb.label}'s, {via} {who}")
    return behind


def _rule_edges(members: Members, net: Network, seats: Seats) -> Iterator[tuple[str, str, str]]:
    held, behind = _holders(members, net), _behind(seats, net)
    for rule in sorted(set(net.rules), key=lambda r: (r.target, r.source, r.ports, r.origin)):
        target, source = net.resolve(rule.target), net.resolve(rule.source)
        if target == source:
            continue  # a group admitting its own members: peers
        callees = {g: f"{who} has it" for g, who in held.get(target, {}).items()}
        for group, how in behind.get(target, {}).items():
            callees.setdefault(group, how)
        by = "" if net.groups.get(target) == rule.origin else f"{rule.origin}: "
        for a, caller in held.get(source, {}).items():
            for b, how in callees.items():
                yield a, b, (f"{by}security group {net.label(target)} allows {rule.ports} "
                             f"from {net.label(source)}, which {caller} has; {how}")


def _answers(members: Members, net: Network, seats: Seats) -> list[tuple[str, str, str]]:
    """(host name, group, what answers on it): managed services' endpoints and balancers'
    DNS names (answered by the servers behind them)."""
    found = [(h, group, _label(s)) for group, s in members for h in s.links.endpoints]
    found += [(lb.dns, group, f"load balancer {lb.label}, {via} {who}")
              for lb, via, group, who in _balanced(seats, net) if lb.dns]
    return sorted(set(found))


def _endpoint_edges(members: Members, net: Network,
                    seats: Seats) -> Iterator[tuple[str, str, str]]:
    answers = [(h, re.compile(rf"(?<![a-z0-9.-]){re.escape(h)}(?!\.?[a-z0-9-])"), b, owner)
               for h, b, owner in _answers(members, net, seats)]
    seen: set[tuple[str, str, str]] = set()
    for a, s in members:
        texts = s.links.texts + [(f"tag {k} of {_label(s)}", v) for k, v in sorted(s.tags.items())]
        for where, body in texts:
            low = body.lower()
            for h, pattern, b, owner in answers:
                if (a, b, h) not in seen and h in low and pattern.search(low):
                    seen.add((a, b, h))
                    yield a, b, f"{where} names {h}, the endpoint of {owner}"


def find_edges(groups: list[Group], net: Network) -> Edges:
    """Every group-to-group edge the evidence shows, self-edges left out."""
    members = _members(groups)
    seats = _in_target_groups(members, net)
    edges: Edges = {}
    for a, b, why in [*_rule_edges(members, net, seats), *_endpoint_edges(members, net, seats)]:
        if a != b:
            edges.setdefault((a, b), []).append(why)
    return {k: sorted(set(v)) for k, v in sorted(edges.items())}


def _path(graph: dict[str, set[str]], start: str, goal: str) -> list[str] | None:
    stack, seen = [[start]], set()
    while stack:
        path = stack.pop()
        if path[-1] == goal:
            return path
        if path[-1] not in seen:
            seen.add(path[-1])
            stack += [path + [n] for n in sorted(graph.get(path[-1], ()), reverse=True)]
    return None


def break_cycles(edges: Edges, kinds: dict[str, str]) -> tuple[Edges, list[tuple[str, str]]]:
    """Keep edges into data tiers first, then by name, leaving out each that would close a
    cycle; return the kept edges and (what, why) for each dropped one."""
    graph: dict[str, set[str]] = {}
    kept: Edges = {}
    dropped = []
    for a, b in sorted(edges, key=lambda e: (-KIND_ORDER.get(kinds.get(e[1], ""), 0), e)):
        back = _path(graph, b, a)
        if back is not None:
            dropped.append((f"depends_on {a} -> {b}", (
                f"dropped: it would close the cycle {' -> '.join([a, *back])}, which an "
                f"inventory cannot hold (evidence: {edges[(a, b)][0]}); add it by hand, "
                "dropping another, if it is the one that matters")))
            continue
        graph.setdefault(a, set()).add(b)
        kept[(a, b)] = edges[(a, b)]
    return dict(sorted(kept.items())), dropped


def infer(groups: list[Group], net: Network) -> tuple[Edges, list[tuple[str, str]]]:
    return break_cycles(find_edges(groups, net), {g.name: g.kind for g in groups})
