"""What the inventory asks of service vendors: SMS, email, DNS, object storage, the edge in
front of the site and the registrar behind its name (Inventory.services)."""

from __future__ import annotations

from pydantic import Field, model_serializer

from planner.models.base import Printable, StrictModel, without_unset


class SmsDemand(StrictModel):
    messages_per_day: float = Field(gt=0, le=1e10)
    messages_per_second: float = Field(gt=0, le=1e6, description="Peak rate.")
    countries: list[str] = Field(min_length=1)
    tier: int = Field(1, ge=1, le=4)


class EmailDemand(StrictModel):
    messages_per_day: float = Field(gt=0, le=1e10)
    sending_domains: list[str] = Field(min_length=1)
    tier: int = Field(2, ge=1, le=4)


class DnsDemand(StrictModel):
    zones: list[str] = Field(min_length=1)
    records_per_zone: int = Field(ge=1, le=10_000_000, description="Records in the largest zone.")
    current_ns_ttl_seconds: int = Field(ge=0, le=10_000_000, description="TTL of the NS "
                                        "records in the zone today, at its current DNS "
                                        "provider (the child's: the owner can lower it in "
                                        "advance; 172800 is common for .com).")
    parent_ns_ttl_seconds: int | None = Field(None, ge=0, le=10_000_000, description="TTL "
                                              "the parent zone gives the delegation, which "
                                              "the owner cannot change (172800 for .com); "
                                              "absent: as current_ns_ttl_seconds.")
    old_answers_until_hour: int | None = Field(None, ge=0, le=8760, description="The old "
                                               "DNS keeps answering, with the new "
                                               "addresses, until this hour (so every user "
                                               "reaches the new servers until then); "
                                               "absent: it is not counted on.")
    current_vendor: Printable | None = Field(None, min_length=1, max_length=200,
                                             description="Who serves the zones today: a "
                                             "catalog DNS vendor id (route53) or a name; it "
                                             "decides how they are exported (Route 53 serves "
                                             "no zone transfer); absent: not known.")
    tier: int = Field(1, ge=1, le=4)

    @model_serializer(mode="wrap")
    def _later_fields_only_when_set(self, handler, info):
        return without_unset(handler(self), info, ("parent_ns_ttl_seconds",
                                                   "old_answers_until_hour", "current_vendor"))

    @property
    def parent_ttl(self) -> int:
        return self.current_ns_ttl_seconds if self.parent_ns_ttl_seconds is None \
            else self.parent_ns_ttl_seconds


class ObjectStorageDemand(StrictModel):
    stored_tb: float = Field(gt=0, le=1e6)
    requests_per_month_millions: float = Field(0, ge=0)
    tier: int = Field(3, ge=1, le=4)


class EdgeDemand(StrictModel):
    """DDoS protection and CDN in front of the user-facing groups: users reach them only
    through it once it is stated (the plan picks the vendor ready soonest)."""

    zones: list[str] = Field(min_length=1, description="Sites (zones) it fronts.")
    tier: int = Field(1, ge=1, le=4)


class RegistrarDemand(StrictModel):
    """Who holds the domains and changes their name servers: every DNS move goes through
    it. The plan keeps the current registrar unless the policy excludes it, else moves the
    domains to the registrar that can hold them soonest."""

    domains: list[str] = Field(min_length=1)
    current: Printable | None = Field(None, description="The registrar holding them today: "
                                      "a catalog id, or a name the catalog does not know; "
                                      "absent: not known (kept, with its risk unknown).")


class Services(StrictModel):
    sms: SmsDemand | None = None
    email: EmailDemand | None = None
    dns: DnsDemand | None = None
    object_storage: ObjectStorageDemand | None = None
    edge: EdgeDemand | None = None
    registrar: RegistrarDemand | None = None

    @model_serializer(mode="wrap")
    def _later_kinds_only_when_set(self, handler, info):
        return without_unset(handler(self), info, ("edge", "registrar"))
