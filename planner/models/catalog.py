"""Catalog models: where workloads can go, with the limits that bind in the first hours.

Units are part of the names. Prices are in the provider's own `currency`; the catalog's
`currencies` table converts them. Hours count from the decision to leave (hour 0).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_serializer, model_validator

from planner.models.base import (
    Fact,
    LeadTime,
    Located,
    Printable,
    ProvenanceDefaults,
    Series,
    StrictModel,
    calendar_date,
    every_field,
    inherit_provenance,
    iso_date,
    walk,
    without_unset,
)
from planner.models.provider_facts import (
    COUNTRY,
    SLUG,
    EgressTier,
    Offering,
    Quota,
    Region,
    SmtpOutbound,
    SupportPlan,
    WorkingHours,
)

ComputeKind = Literal["cloud", "bare_metal", "colocation", "self_hosted"]
ServiceKind = Literal["sms", "email", "dns", "object_storage", "edge", "registrar"]
Provisioning = Literal["api", "console", "manual"]
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


def lead_times_of(model: StrictModel):
    """Every LeadTime inside a catalog entry, as (loc, path, lead): its place below the entry
    as field names, list indexes and mapping keys, and as dotted text (models/base.walk)."""
    return walk(model, LeadTime)


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
    onboarding_hours: LeadTime = Field(description="Account, verification and payment: "
                                       "hours from the decision until it can be used.")
    working_hours: WorkingHours | None = Field(None, description="When it works on requests; "
                                               "needed by any lead time of `clock: "
                                               "business`.")
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
        if self.working_hours is None:
            for loc, _, lead in lead_times_of(self):
                if lead.clock == "business":
                    raise Located(f"{'.'.join(map(str, loc))} counts business hours, but "
                                  f"{self.id} states no working_hours (time zone, days, "
                                  "hours)", *loc)
        return self


LATER_ENTRY_FIELDS = ("end_of_sale", "working_hours", "setup_effort_hours", "provisioning",
                      "quotas",
                      "quota_command", "ipv4_price_per_month",
                      "included_traffic_tb_per_server", "included_traffic_tb_per_account",
                      "support", "egress_tiers", "smtp_outbound", "self_hosted", "regions")


class Provider(CatalogEntry):
    """A compute provider: cloud, bare metal, colocation or self-hosting."""

    kind: ComputeKind
    smtp_outbound: SmtpOutbound | None = Field(None, description="Outbound port 25 for a "
                                               "new account; absent: not known, so not "
                                               "counted on.")
    quota_servers: Fact = Field(description="Servers a new account may run.")
    quota_raise_servers: Fact | None = None
    quota_raise_hours: LeadTime | None = Field(None, description="Hours after onboarding until a "
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
            child_lists=("offerings", "quotas", "egress_tiers"),
            series_fields=("support", "working_hours"))

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
    lead_hours: LeadTime | None = Field(None, description="Registration or provisioning lead time "
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
                                         "setup_effort_hours"), child_lists=("offerings",),
                                  series_fields=("working_hours",))

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

    def convert(self, amount: float, currency: str, to: str) -> float:
        """`amount` in `currency` as an amount in `to`, through USD."""
        return amount * self.usd_per(currency) / self.usd_per(to)

    def provider(self, provider_id: str) -> Provider | None:
        return next((p for p in self.providers if p.id == provider_id), None)

    def vendor(self, vendor_id: str) -> ServiceVendor | None:
        return next((v for v in self.services if v.id == vendor_id), None)
