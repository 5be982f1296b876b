"""Catalog models: where workloads can go, with the limits that bind in the first hours.

Units are part of the names. Prices are in the provider's own `currency`; the catalog's
`currencies` table converts them. Hours count from the decision to leave (hour 0).
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator, model_serializer, model_validator

from planner.models.base import (
    Fact,
    Located,
    Printable,
    ProvenanceDefaults,
    Series,
    StrictModel,
    calendar_date,
    every_field,
    inherit_provenance,
    iso_date,
    without_unset,
)

ComputeKind = Literal["cloud", "bare_metal", "colocation", "self_hosted"]
Continent = Literal["africa", "asia", "europe", "north-america", "oceania", "south-america"]
ServiceKind = Literal["sms", "email", "dns", "object_storage", "edge", "registrar"]
Provisioning = Literal["api", "console", "manual"]
Arch = Literal["x86_64", "arm64"]
QuotaUnit = Literal["vcpu", "ram_gb", "gpu", "ipv4"]
QuotaScope = Literal["account", "region"]
QUOTA_UNIT_WORDS = {"vcpu": "vCPU", "ram_gb": "GB RAM", "gpu": "GPUs",
                    "ipv4": "public IPv4 addresses"}
SLUG = r"^[a-z0-9][a-z0-9._-]*$"
COUNTRY = r"^[A-Z]{2}$"
CURRENCY = r"^[A-Z]{3}$"
DATE = r"^\d{4}-\d{2}-\d{2}$"

# Capacity measures each kind of service vendor may declare.
SERVICE_MEASURES: dict[str, frozenset[str]] = {
    "sms": frozenset({"messages_per_second", "messages_per_day"}),
    "email": frozenset({"messages_per_day"}),
    "dns": frozenset({"zones", "records_per_zone"}),
    "object_storage": frozenset({"ingest_gbps"}),
    "edge": frozenset({"zones"}),  # DDoS protection and CDN in front of the site
    "registrar": frozenset({"domains"}),  # who holds the domains and changes their NS
}


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
    delivery_hours: Fact | None = Field(
        None, description="Hours after onboarding before this model can be handed over "
        "(dedicated servers built to order); absent means as fast as the provider provisions.")
    stock: Fact | None = Field(None, description="Servers of this model that can be had at all.")

    @model_validator(mode="before")
    @classmethod
    def _provenance(cls, data):
        return inherit_provenance(data, (
            "vcpu", "ram_gb", "disk_gb", "gpu_count", "price_per_hour", "price_per_month",
            "setup_fee", "delivery_hours", "stock", "ipv4", "gpu_vram_gb"))

    @model_serializer(mode="wrap")
    def _later_fields_only_when_set(self, handler, info):
        return without_unset(handler(self), info, ("family", "ipv4", "gpu_model",
                                                   "gpu_vram_gb"))

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


class Latency(StrictModel):
    """A measured round-trip time between two metro areas (either order)."""

    a: str = Field(pattern=SLUG)
    b: str = Field(pattern=SLUG)
    rtt_ms: Fact


class CatalogEntry(ProvenanceDefaults):
    """What every provider and vendor has: who it is, where, and how fast it lets you in."""

    id: str = Field(pattern=SLUG)
    name: Printable = Field(min_length=1)
    organization: str | None = Field(None, pattern=SLUG, description="Company behind it: "
                                     "excluding the organization excludes all its entries.")
    jurisdiction: str = Field(pattern=COUNTRY)
    currency: str = Field("USD", pattern=CURRENCY)
    cli: Printable | None = Field(None, description="Its own command-line tool, if any.")
    website: Printable | None = None
    end_of_life: str | None = Field(None, pattern=DATE)
    end_of_sale: str | None = Field(None, pattern=DATE, description="Day from which it opens "
                                    "no new accounts (existing customers keep being served).")
    onboarding_hours: Fact = Field(description="Account, verification and payment: hours "
                                   "from the decision until it can be used.")
    refusal_risk: Fact = Field(description="Probability (0..1) it refuses or drops the customer.")
    refusal_evidence: Printable | None = None
    setup_effort_hours: Fact | None = Field(None, description="Engineer-hours to open and "
                                            "equip an account here (KYC, billing, IAM, "
                                            "network, image, monitoring; for a vendor: its "
                                            "records, registration and integration); absent: "
                                            "the catalog's effort for its kind.")

    _eol = field_validator("end_of_life", mode="before")(lambda v: iso_date(v))
    _eol_day = field_validator("end_of_life")(lambda v: calendar_date(v))
    _eos = field_validator("end_of_sale", mode="before")(lambda v: iso_date(v))
    _eos_day = field_validator("end_of_sale")(lambda v: calendar_date(v))

    @model_serializer(mode="wrap")
    def _later_fields_only_when_set(self, handler, info):
        return without_unset(handler(self), info, LATER_ENTRY_FIELDS)

    @model_validator(mode="after")
    def _risk_is_a_probability(self):
        if not 0 <= self.refusal_risk.value <= 1:
            raise ValueError("refusal_risk must be a probability between 0 and 1")
        return self


LATER_ENTRY_FIELDS = ("end_of_sale", "setup_effort_hours", "provisioning", "quotas",
                      "quota_command", "ipv4_price_per_month",
                      "included_traffic_tb_per_server", "included_traffic_tb_per_account",
                      "support", "egress_tiers", "smtp_outbound", "self_hosted", "regions")


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
    raise_hours: Fact | None = Field(None, description="Hours after onboarding until that "
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
    unblock_hours: Fact | None = Field(None, description="For a ticket: hours after "
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


class Provider(CatalogEntry):
    """A compute provider: cloud, bare metal, colocation or self-hosting."""

    kind: ComputeKind
    smtp_outbound: SmtpOutbound | None = Field(None, description="Outbound port 25 for a "
                                               "new account; absent: not known, so not "
                                               "counted on.")
    quota_servers: Fact = Field(description="Servers a new account may run.")
    quota_raise_servers: Fact | None = None
    quota_raise_hours: Fact | None = Field(None, description="Hours after onboarding until a "
                                           "requested raise to quota_raise_servers is granted.")
    provision_rate_per_hour: Fact = Field(description="Servers that can be created per hour.")
    ingress_gbps: Fact = Field(description="Bandwidth into the provider for copying data.")
    egress_price_per_gb: Fact | None = Field(None, description="Price of data leaving it.")
    egress_tiers: list[EgressTier] | None = Field(None, description="Price steps of data "
                                                  "leaving it in a month, cheaper as the "
                                                  "volume grows; absent: egress_price_per_gb "
                                                  "for every GB.")
    included_traffic_tb_per_server: Fact | None = Field(
        None, description="Outbound traffic a month that comes with each server, TB, pooled "
        "over the account; with included_traffic_tb_per_account (either may be 0) it prices "
        "users' traffic at egress_price_per_gb beyond them; neither stated: not priced.")
    included_traffic_tb_per_account: Fact | None = Field(
        None, description="Outbound traffic a month free for the account, TB.")
    ipv4_price_per_month: Fact | None = Field(None, description="Price of one public IPv4 "
                                              "address a month where it is billed apart "
                                              "from the server (each server takes its "
                                              "offering's `ipv4`, 1 by default); absent: "
                                              "included in the server's price.")
    provisioning: Provisioning | None = Field(None, description="How its servers are made: "
                                              "api (a batch from its CLI), console (one by "
                                              "one in its web console) or manual (console "
                                              "plus disks or NICs added by hand); absent: "
                                              "api with a CLI, else console.")
    quotas: dict[str, Quota] | None = Field(None, description="Limits in other units than "
                                            "servers, by a name of the provider's own "
                                            "(`regional-vcpu`, `dsv5-family-vcpu`).")
    support: SupportPlan | None = Field(None, description="The support plan a crisis needs "
                                        "(policy.buy_support buys it where one is used).")
    quota_command: Printable | None = Field(None, description="The provider's own command "
                                            "that shows its limits and what is used of them.")
    regions: list[Region] | None = Field(None, description="Where it runs servers; a plan "
                                         "puts the provider's servers in one of them "
                                         "(formulation/location.py); absent: its place "
                                         "is not known, so it is near nothing else.")
    offerings: list[Offering] = Field(min_length=1)

    @property
    def unit_quotas(self) -> dict[str, Quota]:
        return self.quotas or {}

    @property
    def provisioning_mode(self) -> str:
        return self.provisioning or ("api" if self.cli else "console")

    @model_validator(mode="before")
    @classmethod
    def _provenance(cls, data):
        return inherit_provenance(data, (
            "onboarding_hours", "quota_servers", "quota_raise_servers", "quota_raise_hours",
            "provision_rate_per_hour", "ingress_gbps", "egress_price_per_gb", "refusal_risk",
            "setup_effort_hours", "ipv4_price_per_month", "included_traffic_tb_per_server",
            "included_traffic_tb_per_account"),
            child_lists=("offerings", "quotas", "egress_tiers"), series_fields=("support",))

    @model_validator(mode="after")
    def _check(self):
        if (self.quota_raise_servers is None) != (self.quota_raise_hours is None):
            raise ValueError("quota_raise_servers and quota_raise_hours go together")
        ids = [o.id for o in self.offerings]
        if len(ids) != len(set(ids)):
            raise ValueError(f"offering ids repeat in provider {self.id}")
        tops = [t.up_to_tb for t in self.egress_tiers or []]
        bounded = [x for x in tops if x is not None]
        if None in tops[:-1] or any(a >= b for a, b in zip(bounded, bounded[1:])):
            raise Located("egress_tiers go up in up_to_tb, only the last without one",
                          "egress_tiers")
        prices = [t.price_per_gb.value for t in self.egress_tiers or []]
        if any(a < b for a, b in zip(prices, prices[1:])):
            raise Located("egress_tiers' prices fall (or stay) as the volume grows; a step "
                          "dearer than the one before is not a volume price", "egress_tiers")
        for name in self.unit_quotas:
            if not re.fullmatch(SLUG, name):
                raise Located(f"quota name {name!r} must be a lower-case slug", "quotas", name)
        region_ids = [r.id for r in self.regions or []]
        offering_ids = set(ids)
        for i, region in enumerate(self.regions or []):
            if region.id in region_ids[:i]:
                raise Located(f"region id {region.id!r} repeats", "regions", i, "id")
            for j, o in enumerate(region.offerings or []):
                if o not in offering_ids:
                    raise Located(f"region {region.id} sells {o!r}, which is not an offering "
                                  f"of {self.id}", "regions", i, "offerings", j)
        families = {o.family for o in self.offerings}
        for name, quota in self.unit_quotas.items():
            if quota.family is not None and quota.family not in families:
                raise Located(f"quota {name} counts family {quota.family!r}, which no "
                              f"offering of {self.id} has", "quotas", name, "family")
        return self


class ServiceOffering(ProvenanceDefaults):
    """A channel or plan of a service vendor (an SMS 10DLC campaign, a dedicated email IP)."""

    id: str = Field(pattern=SLUG)
    description: Printable | None = None
    countries: list[str] | None = Field(None, description="Destinations served (SMS); "
                                        "absent means everywhere.")
    lead_hours: Fact | None = Field(None, description="Registration or provisioning lead time "
                                    "after onboarding before the capacity curves start.")
    capacity: dict[str, Series] = Field(min_length=1, description="Capacity curves by measure, "
                                        "counted from the end of the lead time.")
    price_per_unit: Fact | None = Field(None, description="Per message (sms, email), per "
                                        "zone-month (dns), per TB-month (object_storage).")
    price_per_month: Fact | None = None
    setup_fee: Fact | None = None

    @model_validator(mode="before")
    @classmethod
    def _provenance(cls, data):
        return inherit_provenance(data, ("lead_hours", "price_per_unit", "price_per_month",
                                         "setup_fee"), child_lists=("capacity",))


class ServiceVendor(CatalogEntry):
    """An SMS, email, DNS or object-storage vendor."""

    kind: ServiceKind
    self_hosted: bool | None = Field(None, description="Runs on the plan's own servers: it "
                                     "serves "
                              "only as far as the inventory's group running it does "
                              "(groups[].runs_service).")
    offerings: list[ServiceOffering] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _provenance(cls, data):
        return inherit_provenance(data, ("onboarding_hours", "refusal_risk",
                                         "setup_effort_hours"), child_lists=("offerings",))

    @model_validator(mode="after")
    def _check(self):
        allowed = SERVICE_MEASURES[self.kind]
        for offering in self.offerings:
            unknown = set(offering.capacity) - allowed
            if unknown:
                raise ValueError(f"offering {offering.id}: {self.kind} capacity measures are "
                                 f"{sorted(allowed)}, not {sorted(unknown)}")
        return self


class Resolver(ProvenanceDefaults):
    """A class of recursive resolvers: the share of users behind it, and how long it keeps
    a delegation it has cached (the DNS adoption curve, curves.dns_reach)."""

    share: Fact = Field(description="Share (0..1) of users whose queries go through it.")
    max_ttl_seconds: Fact | None = Field(None, description="Longest it caches a record, "
                                         "whatever its TTL; absent: it honours the TTL.")
    parent_centric: bool = Field(False, description="It keeps the parent zone's NS set and "
                                 "TTL (the TLD's, e.g. 48 h for .com) rather than the child "
                                 "zone's, which the domain owner can lower.")
    note: Printable | None = None

    @model_validator(mode="before")
    @classmethod
    def _provenance(cls, data):
        return inherit_provenance(data, ("share", "max_ttl_seconds"))


class Effort(ProvenanceDefaults):
    """Engineer-hours of the exit's tasks, catalog-wide; a provider or vendor may state its
    own setup effort (`setup_effort_hours`)."""

    provider_setup_hours: dict[ComputeKind, Fact] = Field(description="Opening and "
                                                           "equipping an account, by kind.")
    vendor_setup_hours: dict[ServiceKind, Fact] = Field(description="Opening a service "
                                                         "vendor's account and switching "
                                                         "the service to it, by kind.")
    server_hours: dict[Provisioning, Fact] = Field(description="Making one server, by "
                                                   "provisioning mode.")
    bootstrap_hours: Fact = Field(description="Bringing one group up at one provider: "
                                  "image, configuration, deploy, smoke test.")
    copy_stream_hours: Fact = Field(description="Setting up and watching one group's data "
                                    "copy to one provider.")

    @model_validator(mode="before")
    @classmethod
    def _provenance(cls, data):
        return inherit_provenance(data, ("bootstrap_hours", "copy_stream_hours"), fact_maps=(
            "provider_setup_hours", "vendor_setup_hours", "server_hours"))

    @model_validator(mode="after")
    def _every_kind(self):
        for name, kinds in (("provider_setup_hours", ComputeKind),
                            ("vendor_setup_hours", ServiceKind), ("server_hours", Provisioning)):
            missing = sorted(set(kinds.__args__) - set(getattr(self, name)))
            if missing:
                raise ValueError(f"{name} has no figure for {missing}")
        return self


class Catalog(StrictModel):
    """Providers and vendors, merged from the shipped catalog and the user's layers."""

    currencies: dict[str, Fact] = Field(default_factory=dict, description="Value of one unit "
                                        "of each currency in USD.")
    providers: list[Provider] = Field(default_factory=list)
    services: list[ServiceVendor] = Field(default_factory=list)
    effort: Effort | None = Field(None, description="Engineer-hours of the tasks; absent: "
                                  "the team's work is not planned (the plan says so).")
    resolvers: dict[str, Resolver] = Field(default_factory=dict, description="Who resolves "
                                           "users' queries, for the DNS adoption curve; "
                                           "absent: every resolver honours the NS TTL.")
    latency: list[Latency] = Field(default_factory=list, description="Measured round-trip "
                                   "times between metros; pairs not in it are estimated "
                                   "from distance (domain/location.py).")

    @model_serializer(mode="wrap")
    def _effort_only_when_set(self, handler, info):
        data = without_unset(handler(self), info, ("effort",))
        for name in ("resolvers", "latency"):  # came after plans were saved
            if isinstance(data, dict) and not every_field(info) and not data.get(name):
                data.pop(name, None)
        return data

    @model_validator(mode="after")
    def _check(self):
        ids = [p.id for p in self.providers] + [v.id for v in self.services]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"ids repeat across providers and vendors: {dupes}")
        if sum(r.share.value for r in self.resolvers.values()) > 1 + 1e-9:
            raise ValueError("resolvers: the shares of users add up to more than 1")
        for code, rate in self.currencies.items():
            if rate.value <= 0:
                raise ValueError(f"currencies.{code}: a rate must be above 0")
        for code in {p.currency for p in self.providers} | {v.currency for v in self.services}:
            if code != "USD" and code not in self.currencies:
                raise ValueError(f"currency {code} is used but has no rate in `currencies`")
        return self

    def usd_per(self, currency: str) -> float:
        return 1.0 if currency == "USD" else self.currencies[currency].value

    def provider(self, provider_id: str) -> Provider | None:
        return next((p for p in self.providers if p.id == provider_id), None)

    def vendor(self, vendor_id: str) -> ServiceVendor | None:
        return next((v for v in self.services if v.id == vendor_id), None)
