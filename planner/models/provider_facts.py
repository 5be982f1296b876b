"""What a compute provider states besides who it is: its server models (offerings), where it
runs them (regions), its limits in other units than servers (quotas), and the prices and
policies a crisis meets (egress tiers, support plans, outbound mail). planner/models/catalog.py
puts them together in a Provider.
"""

from __future__ import annotations

from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_serializer, model_validator

from planner.models.base import (
    Fact,
    LeadTime,
    Printable,
    Provenance,
    ProvenanceDefaults,
    StrictModel,
    inherit_provenance,
    without_unset,
)

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CLOCK_TIME = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
Continent = Literal["africa", "asia", "europe", "north-america", "oceania", "south-america"]
Arch = Literal["x86_64", "arm64"]
QuotaUnit = Literal["vcpu", "ram_gb", "gpu", "ipv4"]
QuotaScope = Literal["account", "region"]
QUOTA_UNIT_WORDS = {"vcpu": "vCPU", "ram_gb": "GB RAM", "gpu": "GPUs",
                    "ipv4": "public IPv4 addresses"}
SLUG = r"^[a-z0-9][a-z0-9._-]*$"
# A provider's own name for a thing (Standard_D4s_v5, VM.Standard.E4.Flex, SSD Premium,
# Canonical:ubuntu-24_04-lts:server:latest): letters, digits and . _ - : / and single spaces,
# nothing a shell reads (commands still quote it).
NATIVE_NAME = r"^[A-Za-z0-9]+(?:[._:/-]*[A-Za-z0-9]+| [A-Za-z0-9]+)*[._:/-]*$"
COUNTRY = r"^[A-Z]{2}$"


class Disk(StrictModel):
    """A disk or volume as the provider sizes it."""

    size_gb: int = Field(gt=0, le=1_000_000)
    type: str | None = Field(None, pattern=NATIVE_NAME, description="The provider's name "
                             "for the disk type (pd-balanced, Premium_LRS, SSD Premium); "
                             "absent: its default.")


class Native(ProvenanceDefaults):
    """How the provider itself names and builds an offering: what its CLI, API and Terraform
    provider take. Commands and exports are built from these fields only, never from the
    catalog id; an offering without them gets console steps."""

    type: str = Field(pattern=NATIVE_NAME, description="The provider's name for the model: "
                      "machine type, plan, size, shape, flavor, product (e2-highmem-16, "
                      "Standard_D4s_v5, VM.Standard.E4.Flex, 4xCPU-8GB, V49).")
    cores: int | None = Field(None, gt=0, le=1024, description="Cores to ask for, where the "
                              "provider sizes a server by cores and memory (IONOS).")
    ocpus: float | None = Field(None, gt=0, le=512, description="OCPUs of a flexible shape "
                                "(OCI).")
    memory_gb: float | None = Field(None, gt=0, le=65536, description="Memory to ask for, "
                                    "with cores or ocpus.")
    boot_disk: Disk | None = Field(None, description="The boot disk the offering's price "
                                   "includes, where a create command must size it; absent: "
                                   "the type's own disk.")
    volumes: list[Disk] = Field(default_factory=list, description="Data volumes the "
                                "offering includes, made and attached with each server.")
    image: str | None = Field(None, pattern=NATIVE_NAME, description="The Ubuntu LTS image "
                              "this offering needs, where it differs from the provider's "
                              "default (an arm64 model); absent: the default.")

    @model_validator(mode="after")
    def _sourced(self):
        if not self.source or not self.as_of:
            raise ValueError("native names need `source` and `as_of`: where they were read")
        if (self.cores is not None or self.ocpus is not None) and self.memory_gb is None:
            raise ValueError("cores and ocpus go with memory_gb")
        return self


class Offering(ProvenanceDefaults):
    """A server model of a compute provider (a cloud instance type or a dedicated model)."""

    id: str = Field(pattern=SLUG)
    description: Printable | None = None
    vcpu: Fact
    ram_gb: Fact
    disk_gb: Fact
    arch: Arch = "x86_64"
    family: str | None = Field(None, pattern=SLUG, description="The provider's name for the "
                               "family of this model, where a quota counts a family alone "
                               "(Azure's per-family vCPU quotas).")
    gpu_count: Fact | None = None
    gpu_model: Printable | None = None
    gpu_vram_gb: Fact | None = Field(None, description="Memory of each GPU, in GB.")
    ipv4: Fact | None = Field(None, description="Public IPv4 addresses one server takes; "
                              "absent: 1, what a create command gives by default.")
    price_per_hour: Fact | None = None
    price_per_month: Fact
    setup_fee: Fact | None = None
    delivery_hours: LeadTime | None = Field(
        None, description="Hours after onboarding before this model can be handed over "
        "(dedicated servers built to order); absent means as fast as the provider provisions.")
    stock: Fact | None = Field(None, description="Servers of this model that can be had at all.")
    native: Native | None = Field(None, description="The provider's own names for this "
                                  "model; absent: console steps only.")

    @model_validator(mode="before")
    @classmethod
    def _provenance(cls, data):
        return inherit_provenance(data, (
            "vcpu", "ram_gb", "disk_gb", "gpu_count", "price_per_hour", "price_per_month",
            "setup_fee", "delivery_hours", "stock", "ipv4", "gpu_vram_gb"))

    @model_serializer(mode="wrap")
    def _later_fields_only_when_set(self, handler, info):
        return without_unset(handler(self), info, ("family", "ipv4", "gpu_model",
                                                   "gpu_vram_gb", "native"))

    @model_validator(mode="after")
    def _sizes(self):
        for name in ("vcpu", "ram_gb"):
            if getattr(self, name).value <= 0:
                raise ValueError(f"{name} must be above 0 (a server with none runs nothing)")
        return self


class Region(ProvenanceDefaults):
    """A place where a provider runs servers: its own name for it, the metro area it is in
    (one slug for the same metro across providers, so that two providers' regions there
    are as close as one provider's), and which offerings it has (sourced)."""

    id: str = Field(pattern=SLUG, description="The provider's name for it, as its CLI "
                    "takes it (fsn1, us-east-1).")
    metro: str = Field(pattern=SLUG, description="Metro area (ashburn, frankfurt): regions "
                       "of one metro are within INTRA_METRO_RTT_MS of each other.")
    city: Printable | None = None
    country: str = Field(pattern=COUNTRY)
    continent: Continent
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    offerings: list[str] | None = Field(None, description="The provider's offerings sold "
                                        "here; absent: all of them.")

    @model_validator(mode="after")
    def _sourced(self):
        if not self.source or not self.as_of:
            raise ValueError("a region needs `source` and `as_of`: where its place and "
                             "offerings were read")
        return self

    def sells(self, offering_id: str) -> bool:
        return self.offerings is None or offering_id in self.offerings




class Quota(ProvenanceDefaults):
    """A limit a provider enforces in a unit other than servers (vCPU, GB of RAM, GPUs,
    public IPv4 addresses): on the account or on each region, on every offering or on one
    family. A raise, like the server quota's, is asked for when the account exists and is
    in force `raise_hours` after onboarding."""

    unit: QuotaUnit
    family: str | None = Field(None, pattern=SLUG, description="Only offerings of this "
                               "family count; absent: all of the provider's.")
    scope: QuotaScope = Field("account", description="account: one limit for the account; "
                              "region: one per region (planner places a provider's servers "
                              "in one region, so one applies).")
    new_account: Fact = Field(description="The limit of a new account, in `unit`.")
    raise_to: Fact | None = Field(None, description="The limit a raise asked for at once is "
                                  "expected to reach.")
    raise_hours: LeadTime | None = Field(None, description="Hours after onboarding until that "
                                     "raise is in force.")
    cut_back: Fact | None = Field(None, description="Share (0..1) of large raise requests "
                                  "that are granted lower than asked, or refused.")

    @model_validator(mode="before")
    @classmethod
    def _provenance(cls, data):
        return inherit_provenance(data, ("new_account", "raise_to", "raise_hours", "cut_back"))

    @model_validator(mode="after")
    def _check(self):
        if (self.raise_to is None) != (self.raise_hours is None):
            raise ValueError("raise_to and raise_hours go together")
        if self.new_account.value < 0:
            raise ValueError("new_account must be 0 or more")
        if self.raise_to is not None and self.raise_to.value < self.new_account.value:
            raise ValueError(f"raise_to ({self.raise_to.value:g}) is below new_account "
                             f"({self.new_account.value:g})")
        if self.cut_back is not None and not 0 <= self.cut_back.value <= 1:
            raise ValueError("cut_back must be a share between 0 and 1")
        return self


def raise_below_quota(raise_to: Any, quota: Any) -> str | None:
    """Why a quota raise set to `raise_to` servers is wrong while `quota` is in force, or
    None. Checked where a raise is set (one catalog layer, one --set), not on the merged
    catalog: a later layer's negotiated quota above an old raise is legitimate."""
    to, now = (v.get("value") if isinstance(v, dict) else v for v in (raise_to, quota))
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (to, now))
    if numbers and to < now:
        return (f"a raise to {to:g} servers is below the quota of {now:g} already in force; "
                "a negotiated quota is set as quota_servers")
    return None


class EgressTier(ProvenanceDefaults):
    """One step of a provider's price for data leaving it in a month: GB up to `up_to_tb`
    (cumulative; absent on the last step) cost `price_per_gb`."""

    up_to_tb: float | None = Field(None, gt=0)
    price_per_gb: Fact

    @model_validator(mode="before")
    @classmethod
    def _provenance(cls, data):
        return inherit_provenance(data, ("price_per_gb",))


class SupportPlan(ProvenanceDefaults):
    """The support plan to buy in a crisis: the cheapest one that answers a production-down
    case round the clock. It costs the greater of its minimum and its share of the month's
    spend there."""

    name: Printable = Field(min_length=1)
    minimum_per_month: Fact = Field(description="Fixed price, or the least it costs.")
    percent_of_spend: Fact | None = Field(None, description="Percent of the month's spend "
                                          "at the provider (its servers and addresses).")
    urgent_response_hours: Fact | None = None

    @model_validator(mode="before")
    @classmethod
    def _provenance(cls, data):
        return inherit_provenance(data, ("minimum_per_month", "percent_of_spend",
                                         "urgent_response_hours"))


class SmtpOutbound(ProvenanceDefaults):
    """Whether a new account's servers may send mail on port 25 (to other mail servers)."""

    policy: Literal["allowed", "ticket", "blocked"]
    unblock_hours: LeadTime | None = Field(None, description="For a ticket: hours after "
                                       "onboarding until it is lifted.")
    note: Printable | None = None

    @model_validator(mode="before")
    @classmethod
    def _provenance(cls, data):
        return inherit_provenance(data, ("unblock_hours",))

    @model_validator(mode="after")
    def _ticket_has_hours(self):
        if self.policy == "ticket" and self.unblock_hours is None:
            raise ValueError("a ticket needs unblock_hours: how long it takes")
        return self


def time_zone(value: str) -> str:
    """An IANA time zone name (Europe/Berlin, America/Los_Angeles) this machine knows."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{value!r} is not an IANA time zone (such as Europe/Berlin)") \
            from None
    return value


class WorkingHours(Provenance):
    """When a provider or vendor works on requests (KYC, order checks, quota raises,
    registrations): `days` from `opens` to `closes` in its `time_zone`. Lead times marked
    `clock: business` run only then. Public holidays are not modelled."""

    time_zone: str = Field(description="IANA name, such as Europe/Berlin.")
    days: list[Weekday] = Field(default_factory=lambda: list(WEEKDAYS[:5]), min_length=1)
    opens: str = Field("09:00", pattern=CLOCK_TIME, description="Local time, HH:MM.")
    closes: str = Field("17:00", pattern=r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$",
                        description="Local time, HH:MM, after `opens` on the same day; "
                        "24:00 for the end of the day.")

    _zone = field_validator("time_zone")(lambda v: time_zone(v))

    @model_validator(mode="after")
    def _open_before_close(self):
        if self.closes <= self.opens:
            raise ValueError(f"closes ({self.closes}) must be after opens ({self.opens}) on "
                             "the same day")
        if len(set(self.days)) != len(self.days):
            raise ValueError("days repeat")
        return self
