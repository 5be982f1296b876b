"""The spread policy's arithmetic: how many of a group's servers any placement can hold once
placed (hour H) under max_share_per_provider, survive_provider_losses and
min_servers_per_provider together, whatever the providers' room.

The rules (formulation policy_share and min_footprint, verify check_policy_share and
check_min_footprint), with x_p the servers of g at provider p at H and X = sum_p x_p:
  x_p <= s X                                  (s = max_share_per_provider, where below 1)
  the k largest x_p sum to at most (1 - q) X  (k = survive_provider_losses, q its share)
  x_p = 0 or x_p >= m                         (m = min(min_servers_per_provider, count))
A small group can meet them only in part, or not at all: 2 servers with s = 0.6 and m = 2
have at most 1 at a provider and need at least 2 wherever they are placed, so none can be
placed; 5 servers with s = 0.6, m = 2 and k = 1, q = 0.5 can place 4 (2 + 2) but not 5.
Such a group is short by the policy alone; no provider, quota or team closes it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from planner.domain.refusal import unspread
from planner.models.catalog import Catalog
from planner.models.groups import WorkloadGroup
from planner.models.inventory import Inventory, Policy

EPS = 1e-9  # the rules' products (0.6 * 5) are compared exactly, not to float noise


@dataclass(frozen=True)
class SpreadLimit:
    """A group the policy holds below its count: `most` of its `count` servers at most."""

    group: str
    count: int
    most: int

    def detail(self, policy: Policy) -> str:
        """The rules and the numbers, in words an operator can act on."""
        rules = []
        if policy.max_share_per_provider < 1:
            rules.append(f"at most {policy.max_share_per_provider:g} of it at one provider")
        if policy.survive_provider_losses > 0:
            rules.append(f"at least {policy.min_surviving_share:g} of it left after losing any "
                         f"{policy.survive_provider_losses} provider(s)")
        least = least_footprint(policy, self.count)
        if least > 1:
            rules.append(f"at least {least} wherever it is placed")
        return (f"{self.group} has {self.count} servers; with " + ", ".join(rules)
                + f" (policy), no placement holds more than {self.most}")


def least_footprint(policy: Policy, count: int) -> int:
    """m = min(min_servers_per_provider, count): the fewest servers of a group of `count`
    at any provider it is placed at (on the bridge and at home alike)."""
    return min(policy.min_servers_per_provider, count)


def most_placed(count: int, least: int, share: float, losses: int, surviving: float,
                providers: int) -> int:
    """The largest X <= count that `providers` providers or fewer can hold under the rules
    (module docstring); 0 when none can. A balanced split (parts X // P or one more) has
    the smallest largest part and k largest parts and the largest smallest part of any
    split of X over P providers, so it is the only split to try for each P."""
    m = max(1, min(least, count))
    for total in range(count, 0, -1):
        if _splits(total, m, share, losses, surviving, providers):
            return total
    return 0


def _splits(total: int, m: int, share: float, losses: int, surviving: float,
            providers: int) -> bool:
    """Whether some number of providers holds `total` in a balanced split. Fewer than
    total / floor(share total) providers put more than the share on one; fewer than
    losses / (1 - surviving) lose more than allowed with their k largest (these are at
    least k total / parts, and all of it where k >= parts): the search starts there, so a
    hostile policy (a share of 0.0001) costs no more than a usual one."""
    first = 1
    if share < 1:
        top = math.floor(share * total + EPS)
        if top < 1:
            return False
        first = math.ceil(total / top)
    if losses > 0 and surviving > 0:  # then more than `losses` providers, or all is lost
        if surviving >= 1:
            return False
        first = max(first, losses + 1, math.ceil(losses / (1 - surviving) - EPS))
    for parts in range(first, min(providers, total // m) + 1):
        low, high = divmod(total, parts)  # `high` parts of low + 1, the rest of low
        largest = low + (1 if high else 0)
        if share < 1 and largest > share * total + EPS:
            continue
        if losses > 0:
            lost = total if losses >= parts else \
                min(losses, high) * (low + 1) + max(0, losses - high) * low
            if lost > (1 - surviving) * total + EPS:
                continue
        return True
    return False


def provider_cap(policy: Policy) -> int | None:
    """The most compute providers a plan may use (max_providers compute or all), if capped."""
    caps = policy.max_providers.given()
    given = [caps[k] for k in ("compute", "all") if k in caps]
    return min(given) if given else None


def spread_limit(group: WorkloadGroup, policy: Policy, providers: int | None = None
                 ) -> SpreadLimit | None:
    """The limit the spread policy puts on `group` on at most `providers` providers (None:
    any number; the policy's cap on providers holds either way), or None when it lets all
    of it be placed or the group is not held to it (spread: false)."""
    if not group.spread:
        return None
    bounds = [n for n in (providers, provider_cap(policy)) if n is not None]
    most = group_most(group, policy, min(bounds) if bounds else group.count)
    return SpreadLimit(group.name, group.count, most) if most < group.count else None


def group_most(group: WorkloadGroup, policy: Policy, providers: int) -> int:
    """most_placed for `group` under `policy`'s rules, on at most `providers` providers."""
    return most_placed(group.count, policy.min_servers_per_provider,
                       policy.max_share_per_provider, policy.survive_provider_losses,
                       policy.min_surviving_share, providers)


def policy_limits(inventory: Inventory, catalog: Catalog) -> list[SpreadLimit]:
    """The groups the policy alone holds below their count, whatever the catalog has (but
    not a group the rules give way for: refusal.unspread)."""
    lost = unspread(inventory, catalog)
    return [limit for group in inventory.groups if group.name not in lost
            and (limit := spread_limit(group, inventory.policy)) is not None]
