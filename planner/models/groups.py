"""The inventory's groups: like servers that move together, what they need of a host, their
data and how it is kept fresh, and the groups they call (with the round trip allowed)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_serializer, model_validator

from planner.models.base import Located, Printable, StrictModel, every_field, without_unset

GroupArch = Literal["x86_64", "arm64", "any"]


# Hours to rebuild a group's images for the other architecture when its arch_policy is
# rebuild and it states no rebuild_hours. ESTIMATE: a day to rebuild, push and test images
# and their native dependencies for arm64 or x86_64 under pressure.
REBUILD_HOURS = 24


# Round-trip bounds of a dependency that states none (depends_on entries' max_rtt_ms).
# A database or cache is called several times per request, in sequence: at 2 ms a page's
# ten queries add 20 ms, at a transatlantic 80 ms they add most of a second. 2 ms holds
# within one metro area (domain/location.py INTRA_METRO_RTT_MS) and not between two.
# Other calls (web to API) are made once or twice per request: 20 ms keeps them within
# one region of a continent (Ashburn-Chicago is about 17 ms) and off the ocean floor.
TIGHT_RTT_MS = 2.0
DEFAULT_RTT_MS = 20.0


class Dependency(StrictModel):
    """A group another one needs, with the round trip its calls may take."""

    group: Printable = Field(min_length=1)
    max_rtt_ms: float | None = Field(None, gt=0, le=1000, description="Longest round trip "
                                     "between a server of the dependent group and the share "
                                     "of this one it calls; absent: TIGHT_RTT_MS for a group "
                                     "with data or a cache, else DEFAULT_RTT_MS.")


class WorkloadGroup(StrictModel):
    """`count` like servers that move together."""

    name: Printable = Field(min_length=1, max_length=200)
    description: Printable | None = None
    count: int = Field(ge=1, le=1_000_000)
    vcpu: float = Field(gt=0, le=1024)
    ram_gb: float = Field(gt=0, le=65536)
    disk_gb: float = Field(0, ge=0, le=10_000_000)
    arch: GroupArch = "x86_64"
    arch_policy: Literal["hard", "rebuild"] | None = Field(
        None, description="hard (absent): only servers of its `arch`; rebuild: servers of "
        "the other architecture too, once its images are rebuilt (rebuild_hours more "
        "before it serves there).")
    rebuild_hours: int | None = Field(None, ge=0, le=8760, description="Hours to rebuild "
                                      "and test its images for the other architecture; "
                                      "absent: REBUILD_HOURS.")
    gpu_count: int = Field(0, ge=0, le=64)
    gpu_min_vram_gb: float | None = Field(None, gt=0, le=4096, description="Memory each "
                                          "GPU needs, in GB (what the model must fit), "
                                          "rather than a GPU model's name; absent: any GPU.")
    data_gb: float = Field(0, ge=0, le=1e9, description="Data to copy for the whole group, "
                           "split evenly over its servers; a server serves once its share "
                           "has arrived.")
    write_gb_per_hour: float = Field(0, ge=0, le=1e7, description="GB written to the "
                                     "group's data an hour while the source serves: live "
                                     "data that must be brought up to date at the cut-off.")
    cutover: Literal["replicate", "freeze"] | None = Field(
        None, description="How live data is brought up to date: replicate (continuous "
        "replication after the bulk copy, taking source egress until the cut-off; the "
        "default) or freeze (the same until a write freeze freeze_hours before the cut-off, "
        "then a final pass while the site is read-only).")
    freeze_hours: int | None = Field(None, ge=1, le=168, description="Hours of read-only "
                                     "service before the cut-off (cutover: freeze).")
    data_from: Printable | None = Field(None, description="A group whose data this one's "
                                        "copies: seeded from its new servers over the "
                                        "targets' links, not from the source (replicas "
                                        "from new primaries).")
    engine: Literal["postgresql", "mysql", "mongodb", "elasticsearch", "opensearch",
                    "files"] | None = Field(
        None, description="What holds the group's data, which decides how the runbook "
        "copies it: a database is copied with its own tools (PostgreSQL: pg_basebackup and "
        "streaming replication; MySQL: the clone plugin and replication; MongoDB: a "
        "replica-set member), a search cluster by snapshot and restore; files (absent): "
        "plain files, copied with rsync.")
    shards: bool = Field(False, description="Each server holds its own part of the data "
                         "(functional partitions, shards): the group serves only when every "
                         "one of them does.")
    tier: int = Field(2, ge=1, le=4, description="1 = critical ... 4 = can wait.")
    egress_tb_per_month: float | None = Field(None, ge=0, le=1e7, description="Traffic the "
                                              "whole group sends to users a month, TB, "
                                              "split over its servers wherever they run; "
                                              "absent: not priced.")
    jurisdictions: list[str] | None = Field(None, description="Allowed provider "
                                            "jurisdictions (ISO country codes); absent: any.")
    depends_on: list[Printable | Dependency] = Field(
        default_factory=list, description="Groups this one needs: it serves at most the "
        "fraction they serve, and each region holding a share of it holds that share of each "
        "of them within the dependency's max_rtt_ms. A name, or {group, max_rtt_ms}.")
    pack: bool | None = Field(None, description="true: several of its servers may share "
                              "one bigger host (within its vCPU, with the policy's "
                              "cpu_overcommit, its RAM and its disk; at most max_per_host on "
                              "one; domain/packing.py); absent or false: one host per "
                              "server. Not for groups with data, GPUs or a service.")
    max_per_host: int | None = Field(None, ge=1, le=1_000_000, description="Most of its "
                                     "servers on one host (anti-affinity); absent: the "
                                     "share a loss may take, (1 - min_surviving_share) x "
                                     "count, at least 1.")
    cache: bool = Field(False, description="An in-memory cache or session store: called "
                        "many times per request, so its dependents stay within "
                        "TIGHT_RTT_MS of it unless they say otherwise.")
    spread: bool = Field(True, description="Subject to the share and survive-losses policy.")
    needs_smtp: bool = Field(False, description="Sends mail to other mail servers on port "
                             "25: only where a new account may (providers' smtp_outbound), "
                             "after the unblock where that takes a ticket.")
    runs_service: Literal["email", "dns"] | None = Field(None, description="It runs the "
                                                         "self-hosted vendor of this service "
                                                         "(postfix, PowerDNS): that vendor "
                                                         "serves as far as this group does.")
    user_facing: bool = Field(False, description="Users reach it by the inventory's DNS "
                              "names (web front ends, the API the apps call): it serves only "
                              "the users whose resolvers see the new DNS.")
    bootstrap_hours: int | None = Field(None, ge=0, le=8760, description="Hours from a "
                                        "provider's account being ready until this group "
                                        "serves there: image, configuration, deploy, smoke "
                                        "test (0 with golden images and IaC); absent: the "
                                        "team's default.")

    @model_validator(mode="after")
    def _vram_needs_gpus(self):
        if self.gpu_min_vram_gb is not None and not self.gpu_count:
            raise ValueError("gpu_min_vram_gb is memory per GPU: it needs gpu_count")
        if (self.cutover or self.freeze_hours is not None) and not self.write_gb_per_hour:
            raise ValueError("cutover and freeze_hours are for live data: state "
                             "write_gb_per_hour")
        if self.cutover == "freeze" and self.freeze_hours is None:
            raise Located("a freeze needs freeze_hours: the hours of read-only service "
                          "before the cut-off", "freeze_hours")
        if self.freeze_hours is not None and self.cutover != "freeze":
            raise Located("freeze_hours is for cutover: freeze", "freeze_hours")
        if self.pack and (self.data_gb or self.gpu_count or self.runs_service):
            raise Located("packing is for groups without data, GPUs or a service they "
                          "run (their copies, cards and addresses are per server)", "pack")
        if (self.write_gb_per_hour or self.data_from) and not self.data_gb:
            raise ValueError("write_gb_per_hour and data_from are about the group's data: "
                             "state data_gb")
        return self

    @property
    def needs(self) -> list[str]:
        """The names of the groups it depends on, in order."""
        return [d if isinstance(d, str) else d.group for d in self.depends_on]

    def stated_rtt_ms(self, dependency: str) -> float | None:
        return next((d.max_rtt_ms for d in self.depends_on
                     if not isinstance(d, str) and d.group == dependency), None)

    @property
    def live_until_freeze(self) -> int:
        """Hours before the cut-off at which writes to the source stop (0: at it)."""
        return self.freeze_hours or 0

    @model_serializer(mode="wrap")
    def _bootstrap_only_when_set(self, handler, info):
        data = without_unset(handler(self), info, ("bootstrap_hours", "gpu_min_vram_gb",
                                                   "pack", "max_per_host",
                                                   "egress_tb_per_month", "arch_policy",
                                                   "rebuild_hours", "cutover", "freeze_hours",
                                                   "data_from", "engine"))
        if isinstance(data, dict) and not every_field(info):  # later fields at their default
            for name, default in (("write_gb_per_hour", 0), ("shards", False),
                                  ("user_facing", False), ("needs_smtp", False),
                                  ("cache", False),
                                  ("runs_service", None)):
                if data.get(name) == default:
                    data.pop(name)
        return data
