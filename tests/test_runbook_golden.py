"""The 2021 runbook and exit plan, rendered from a fixed plan, match their reviewed golden copies.

The goldens are rendered from tests/golden/plan-parler-2021.json, a saved plan, not from the
shipped catalog, so catalog changes do not move them; only changes to the templates,
planner/report/render.py, planner/report/shell/ or planner/report/timeline.py do, and to the
wording of the causes of shortfalls (planner/results), through the saved plan.

To regenerate after an intended change:

    UPDATE_GOLDEN=1 /tmp/venv/bin/python -m pytest -q tests/test_runbook_golden.py

then READ the diff of tests/golden/*.md line by line (`git diff tests/golden`) before
committing: a golden runbook is what an engineer will follow at 3 am, so every changed line
must be one you meant. The same run derives the saved plan's shortfalls and their causes
again (results/diagnose), so that after a change to the causes' wording the saved plan still
passes `planner verify`; only its "shortfalls" block may change. To refresh the saved plan
itself (for example after a model change), run `planner plan inventories/parler-2021.yaml
-o out` and copy out/plan.json over tests/golden/plan-parler-2021.json, then regenerate and
review as above.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from pymarkdown.api import PyMarkdownApi

from planner import pipeline
from planner.formulation.instance import prepare
from planner.inputs.planfile import load_plan, plan_json
from planner.models.plan import Plan
from planner.report.render import render_runbook
from planner.results.diagnose import shortfalls
from tests.shell_checks import bash_syntax_errors, shellcheck_findings

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
PLAN = GOLDEN / "plan-parler-2021.json"
DOCUMENTS = {"runbook": GOLDEN / "runbook-parler-2021.md",
             "exit-plan": GOLDEN / "exit-plan-parler-2021.md"}

# Markdown rules turned off for generated documents, each with its reason. Everything else
# pymarkdownlnt checks by default stays on.
LINT_DISABLED = {
    # MD013 line length: table rows, shell commands and lists of provider and group names
    # are as long as the inputs make them; wrapping would break tables and commands.
    "md013",
}

FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,})(?P<lang>[a-z]*)\n(?P<body>.*?)\n"
                   r"(?P=indent)(?P=fence)$", re.M | re.S)
TASK = re.compile(r"^    (?P<name>[A-Za-z0-9 ._-]+) :(?P<milestone>milestone, )?(?P<id>t\d+), "
                  r"(?P<start>\d+), (?P<end>\d+)$")
SECTION = re.compile(r"^    section (?P<title>[A-Za-z0-9 ._-]+)$")


def lint(text: str) -> list[str]:
    """pymarkdownlnt findings for `text`, with the rules above disabled."""
    api = PyMarkdownApi()
    for rule in sorted(LINT_DISABLED):
        api.disable_rule_by_identifier(rule)
    return [f"{f.line_number}:{f.column_number} {f.rule_id} {f.rule_description}"
            f"{f.extra_error_information}" for f in api.scan_string(text).scan_failures]


def code_blocks(text: str, langs: tuple[str, ...]) -> list[str]:
    """Bodies of the fenced blocks in these languages, with their list indentation removed."""
    out = []
    for m in FENCE.finditer(text):
        if m["lang"] in langs:
            pad = len(m["indent"])
            out.append("\n".join(line[pad:] for line in m["body"].split("\n")))
    return out


def gantt_problems(text: str, horizon: int) -> list[str]:
    """Structure of the Mermaid gantt block: what the renderer accepts, numeric hours."""
    blocks = code_blocks(text, ("mermaid",))
    if len(blocks) != 1:
        return [f"expected one mermaid block, found {len(blocks)}"]
    lines = blocks[0].split("\n")
    problems = []
    if lines[0] != "gantt":
        problems.append("first line is not `gantt`")
    for setting in ("    dateFormat x", "    axisFormat %Q"):
        if setting not in lines:
            problems.append(f"missing `{setting.strip()}`")
    ids, sections = set(), 0
    for line in lines[1:]:
        if line.startswith(("    title ", "    dateFormat ", "    axisFormat ",
                            "    todayMarker ")):
            if re.search(r"[:#;]", line.split(" ", 5)[-1]):
                problems.append(f"character Mermaid rejects in: {line!r}")
            continue
        if SECTION.match(line):
            sections += 1
            continue
        m = TASK.match(line)
        if not m:
            problems.append(f"not a task line `name :id, start, end`: {line!r}")
            continue
        start, end = int(m["start"]), int(m["end"])
        if m["id"] in ids:
            problems.append(f"repeated task id {m['id']}")
        ids.add(m["id"])
        if not 0 <= start <= end <= horizon:
            problems.append(f"hours out of 0..{horizon}: {line!r}")
        if m["milestone"] and start != end:
            problems.append(f"milestone with a length: {line!r}")
    if sections == 0:
        problems.append("no sections")
    return problems


def with_derived_shortfalls(text: str) -> str:
    """A saved plan's text with its shortfalls as results/diagnose derives them now, every
    other byte as it was (a plan saved before a field was added keeps its old form)."""
    plan = Plan.model_validate_json(text)
    instance = prepare(plan.inventory, plan.catalog)
    derived = plan.model_copy(update={"shortfalls": shortfalls(
        instance, plan.schedule, plan.copies, plan.services, plan.coverage, plan.costs)})

    def block(whole: str) -> slice:
        start = whole.index('\n "shortfalls": [')
        return slice(start, whole.index("\n ]", start) + len("\n ]"))

    new = plan_json(derived)
    return text[: block(text).start] + new[block(new)] + text[block(text).stop:]


@pytest.fixture(scope="module")
def plan():
    if os.environ.get("UPDATE_GOLDEN"):
        PLAN.write_text(with_derived_shortfalls(PLAN.read_text(encoding="utf-8")),
                        encoding="utf-8")
    return load_plan(PLAN)


def test_the_saved_plan_states_the_causes_planner_derives(plan):
    """`planner verify` derives the causes again and rejects a plan whose causes differ:
    after a change to them, UPDATE_GOLDEN=1 refreshes the saved plan's (and so the
    documents')."""
    assert pipeline.audit(plan) == []


@pytest.fixture(scope="module")
def rendered(plan):
    return {name: render_runbook(plan, template=name) for name in DOCUMENTS}


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_document_matches_its_golden_copy(rendered, name):
    path = DOCUMENTS[name]
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(rendered[name], encoding="utf-8")
    assert path.is_file(), f"{path} is missing: regenerate it (see this module's docstring)"
    assert rendered[name] == path.read_text(encoding="utf-8"), (
        f"{path.name} differs from the rendering of {PLAN.name}; if the change is intended, "
        "regenerate and review the diff (see this module's docstring)")


def test_rendering_the_same_plan_twice_gives_identical_text(plan, rendered):
    for name in DOCUMENTS:
        assert render_runbook(load_plan(PLAN), template=name) == rendered[name]
        assert render_runbook(plan, template=name) == rendered[name]


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_documents_are_lint_clean(rendered, name):
    assert lint(rendered[name]) == []


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_gantt_chart_is_valid_mermaid_in_hours(plan, rendered, name):
    assert gantt_problems(rendered[name], plan.horizon_hours) == []


def test_gantt_has_a_row_for_every_provider_and_service(plan, rendered):
    chart = code_blocks(rendered["runbook"], ("mermaid",))[0]
    sections = [m["title"] for line in chart.split("\n") if (m := SECTION.match(line))]
    for provider in {a.provider for a in plan.assignments}:
        assert provider in sections
    for title in ("Deadline", "Data copy", "DNS", "Email", "SMS"):
        assert title in sections
    for row in ("Onboarding", "First servers", "All servers", "NS TTL wait", "warm-up",
                "registration"):
        assert row in chart


# Each chosen provider's checklist creates its servers with the provider's own CLI, or
# orders them in the console where the provider has no CLI for it.
EXPECTED_COMMANDS = {
    "linode": "linode-cli linodes create --label",
    "scaleway": "scw instance server create name=",
    "upcloud": "upctl server create --hostname",
    "vultr": "vultr-cli instance create --region",
    "digitalocean": "doctl compute droplet create",
    "hetzner-cloud": "hcloud server create --name",
    "hetzner-dedicated": "**Create the servers** in the console",
    "leaseweb": "**Create the servers** in the console",
    "ovh-bare-metal": "ovhcloud baremetal list",
    "skysilk": "**Create the servers** in the console",
    "azure": "az vm create --resource-group",
    "contabo": "**Create the servers** in the console",
    "ionos": "ionosctl server create --datacenter-id",
    "oracle-cloud": "oci compute instance launch --availability-domain",
    "phoenixnap": "**Create the servers** in the console",
}


def _provider_sections(text: str) -> dict[str, str]:
    providers = text.split("\n## Providers\n", 1)[1].split("\n## ", 1)[0]
    out = {}
    for chunk in providers.split("\n### ")[1:]:
        pid = re.search(r"\(`([a-z0-9._-]+)`\)$", chunk.split("\n", 1)[0])[1]
        out[pid] = chunk
    return out


def test_every_chosen_provider_has_a_checklist_with_its_own_commands(plan, rendered):
    sections = _provider_sections(rendered["runbook"])
    assert set(sections) == {a.provider for a in plan.assignments} == set(EXPECTED_COMMANDS)
    for pid, chunk in sections.items():
        assert "- [ ] **Account.**" in chunk, pid
        assert "- [ ] **Record the addresses**" in chunk, pid
        assert EXPECTED_COMMANDS[pid] in chunk, pid
        for a in (a for a in plan.assignments if a.provider == pid):
            assert f"`{a.group}-" in chunk and f"`{a.offering}`" in chunk, (pid, a)
    assert "hcloud volume create" in sections["hetzner-cloud"]  # ccx53 plus a 2,000 GB volume
    assert "--plan 4xCPU-8GB" in sections["upcloud"]
    assert "type=GP1-M" in sections["scaleway"]  # Scaleway's own upper-case type name
    assert "Ask for a raise to 50 servers" in sections["vultr"]
    assert "# media-processing-vultr: servers 1-25 (25), serving by hour 49" in sections["vultr"]
    assert "**Quota `e4-core-count`** (vCPU, family `e4`, per region). Ask for a raise to " \
        "100 vCPU" in sections["oracle-cloud"]
    assert "oci limits value list" in sections["oracle-cloud"]


def test_dns_email_and_sms_sections_carry_records_and_lead_times(plan, rendered):
    text = rendered["runbook"]
    dns = text.split("\n## DNS\n", 1)[1].split("\n## ", 1)[0]
    assert "TTL of 172,800 s" in dns and "over up to 48 h from now" in dns
    # who reaches the site when: the old DNS until the cut-off, then the new delegation's
    # share of users, as the plan counts it
    assert "Until hour 24 the old DNS still answers" in dns
    reach = plan.users.reach_by_hour[24]
    assert f"reach the site: {round(100 * reach)}% at hour 24" in dns
    # Route 53 serves no zone transfer: the zone is read through its API (octoDNS)
    assert "AXFR" not in dns and "class: octodns_route53.Route53Provider" in dns
    assert "octodns-sync --config-file=export.yaml --doit" in dns
    # the DNS vendor is a tie in cost among free plans: the section follows the one chosen
    (vendor,) = {s.vendor for s in plan.services if s.kind == "dns"}
    assert f"Load `parler.com` at {vendor}" in dns and "hour 49" in dns
    assert vendor != "cloudflare-dns" or "dns_records/import" in dns
    email = text.split("\n## Email\n", 1)[1].split("\n## ", 1)[0]
    assert 'parler.com.  TXT  "v=spf1 include:mailgun.org' in email
    assert '_dmarc.parler.com.  TXT  "v=DMARC1; p=none; rua=mailto:dmarc@parler.com"' in email
    assert "pm-bounces.parler.com.  CNAME  pm.mtasv.net." in email
    assert "DKIM for mailgun" in email
    # a mail server of one's own needs its PTR records; the 2021 inventory runs none (no
    # group's runs_service is email), so the self-hosted Postfix is not in the plan
    assert "postfix-self-hosted" not in {s.vendor for s in plan.services}
    assert "PTR (reverse DNS)" not in email
    assert "| 2 | 49 | 50,000 | 2.5% |" in email  # mailgun's warm-up curve, day 2
    assert "Bulk-sender rules" in email
    sms = text.split("\n## SMS\n", 1)[1].split("\n## ", 1)[0]
    assert "| plivo | `10dlc`: A2P 10DLC long code | US | 1 | 168 | 120 | 120,000 |" in sms
    assert "Toll-free" in sms and "Fallback while registration is pending" in sms
    assert "Email codes" in sms and "Voice codes" in sms


def test_the_2021_plan_decides_its_edge_and_registrar_with_their_refusal_risk(plan, rendered):
    """The 2021 network's first step back was a DDoS edge; its registrar was a single point
    of refusal (facts §0): both are decisions of the plan, with their risk and fallback."""
    assert plan.edge is not None and plan.edge.vendor and plan.edge.refusal_risk is not None
    assert plan.edge.fallback and plan.registrar is not None and plan.registrar.keep
    text = rendered["runbook"].split("\n## Edge and registrar\n", 1)[1].split("\n## ", 1)[0]
    assert f"**{plan.edge.vendor}**" in text and "Refusal risk" in text
    assert "Refusal risk unknown" in text  # the inventory does not name the registrar
    assert f"**{plan.registrar.fallback}**" in text


def test_the_runbook_has_its_sections_in_order(rendered):
    headings = [line[3:] for line in rendered["runbook"].split("\n") if line.startswith("## ")]
    assert headings == ["Summary", "Decisions", "Lead times on the calendar", "Timeline",
                        "Work schedule", "Where it runs", "Providers",
                        "Data copy", "DNS", "Edge and registrar",
                        "Email", "SMS", "Verification", "Rollback", "Risks", "Costs", "Home",
                        "Not considered", "Solver"]


def test_the_exit_plan_has_the_sections_regulators_ask_for(rendered):
    headings = [line[3:] for line in rendered["exit-plan"].split("\n") if line.startswith("## ")]
    for heading in ("Scope", "Exit triggers", "Roles and responsibilities", "Stressed exit",
                    "Ordinary exit", "Alternative providers", "Data migration", "Timeline",
                    "Costs", "Risks", "Testing", "Document control"):
        assert heading in headings


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_every_shell_block_parses(rendered, name):
    blocks = code_blocks(rendered[name], ("sh", "bash"))
    assert name == "exit-plan" or len(blocks) > 20
    for block in blocks:
        assert bash_syntax_errors(block) == "", block


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_every_shell_block_passes_shellcheck(rendered, name):
    """Each fenced block stands alone (sets or requires its own variables), so each is
    checked alone, at every severity."""
    for block in code_blocks(rendered[name], ("sh", "bash")):
        assert shellcheck_findings(block) == [], block


def test_every_host_the_cut_over_names_is_one_the_create_commands_make(rendered):
    """The shard map and the seeding maps name servers as the providers' tables do
    (numbered from 1 at each provider); they once numbered on across providers."""
    import re
    text = rendered["runbook"]
    made = set()
    for label, first, last in re.findall(r"`([a-z0-9-]+?)-(\d+)` to `\1-(\d+)`", text):
        made.update(f"{label}-{i}" for i in range(int(first), int(last) + 1))
    made.update(re.findall(r"\| `([a-z0-9-]+-\d+)` \| (?:made: )?\d+ by hour", text))
    cutover = text.split("### Cut-over and freshness", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"\| \d+ \| `([a-z0-9-]+-\d+)` \|", cutover))
    group_data = text.split("### Group data", 1)[1].split("\n### Object storage", 1)[0]
    # the shard map's lines: shard, the server copied from (a seed: a new server), new host
    seeds = re.findall(r"^\s*\d+ ([a-z0-9-]+-\d+) [a-z0-9-]+-\d+$", group_data, re.M)
    assert named and seeds
    assert named <= made and set(seeds) <= made
