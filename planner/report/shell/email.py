"""Email: the DNS records each sending vendor needs, DKIM keys and the PTR check."""

from __future__ import annotations

from dataclasses import dataclass

from planner.report.shell.base import require_var, shq


@dataclass(frozen=True)
class SenderDns:
    spf: str | None  # SPF mechanism to include, None: this vendor needs none at the apex
    dkim: str  # where the DKIM record comes from
    extra: tuple[tuple[str, str, str], ...] = ()  # (name relative to the domain, type, value)
    source: str = ""


EMAIL_VENDORS = {
    "mailgun": SenderDns(
        spf="include:mailgun.org",
        dkim="TXT at the host and with the value Mailgun shows under Domain Verification & DNS",
        source="documentation.mailgun.com/docs/mailgun/user-manual/domains/domains-verify"),
    "postmark": SenderDns(
        spf=None,
        dkim="TXT at the host and with the value Postmark shows for the domain",
        extra=(("pm-bounces", "CNAME", "pm.mtasv.net."),),
        source="postmarkapp.com/developer/api/domains-api (Return-Path domain: CNAME to "
        "pm.mtasv.net)"),
}


SELF_HOSTED_SENDER = SenderDns(
    spf="ip4:<each sending IPv4>",
    dkim="TXT written by `opendkim-genkey` (below), at `mail._domainkey`",
    source="RFC 7208 (SPF ip4); opendkim-genkey(8)")


def sender_dns(vendor_id: str, website: str | None) -> SenderDns | None:
    if website is None:
        return SELF_HOSTED_SENDER
    return EMAIL_VENDORS.get(vendor_id)


PTR_CHECK = [require_var("MAIL_IP", "set MAIL_IP to a sending address"),
             "dig -x \"$MAIL_IP\" +short"]


def dkim_keygen(domain: str) -> str:
    return f"opendkim-genkey -b 2048 -d {shq(domain)} -s mail"
