"""Rendering: numbers from the Plan, names made safe for hostnames, tables, Mermaid and shells."""

import json
import shlex
import shutil

import pytest

from planner import pipeline
from planner.models import Catalog, Inventory
from planner.models.catalog import Provider
from planner.models.plan import Plan
from planner.models.provider_facts import Offering
from planner.report import timeline
from planner.report.filters import (
    code_span,
    fenced,
    hostname,
    md_cell,
    md_text,
    pct,
    share,
    shell_quote,
)
from planner.report.names import name_map
from planner.report.render import TEMPLATES, render_runbook, template_file
from planner.report.shell.base import Batch, Row
from planner.report.shell.compute import tool_steps
from tests.builders import SRC, catalog_dict, inventory_dict, offering, provider, small_catalog
from tests.shell_checks import bash_syntax_errors
from tests.test_runbook_golden import code_blocks, gantt_problems, lint


def test_hostname_is_a_valid_dns_label_and_deterministic():
    for name in ['web"; rm -rf / #', "$(reboot)", "Über Cache", "a" * 200, "---", "x_y"]:
        label = hostname(name)
        assert label == hostname(name)
        assert 1 <= len(label) <= 63 and label[0] != "-" and label[-1] != "-"
        assert set(label) <= set("abcdefghijklmnopqrstuvwxyz0123456789-")


def test_shell_quote_and_table_cells():
    assert shell_quote("a'b; $(x)") == "'a'\"'\"'b; $(x)'"
    assert md_cell("a|b\nc") == "a\\|b c"


@pytest.mark.parametrize("value, text", [(1.0, "100%"), (0.9999, "99.9%"), (0.5, "50%"),
                                         (0.001, "<1%"), (0.0, "0%")])
def test_a_share_never_rounds_a_shortfall_away(value, text):
    assert pct(value) == text


def test_small_shares_keep_a_decimal():
    assert [share(v) for v in (0.005, 0.025, 0.0004, 0.5, 0.0)] == ["0.5%", "2.5%", "<0.1%",
                                                                    "50%", "0%"]


def test_markdown_text_and_code_spans_survive_any_name():
    assert md_text("*bold* [x](y) <b> a|b `c` _u_ snake_case") == (
        "\\*bold\\* \\[x\\](y) \\<b\\> a\\|b \\`c\\` \\_u\\_ snake_case")
    assert md_text("# not a heading") == "\\# not a heading"
    assert code_span("web") == "`web`"
    assert code_span("a`b") == "``a`b``"
    assert code_span("`x`") == "`` `x` ``"
    block = fenced("echo '```'\necho done", "sh", 2)
    assert block.split("\n")[0] == "  ````sh" and block.split("\n")[-1] == "  ````"


def test_template_names():
    assert template_file("runbook") == "runbook.md.j2"
    assert template_file("exit-plan") == "exit-plan.md.j2"
    assert template_file("runbook.md.j2") == "runbook.md.j2"  # file names still work
    assert set(TEMPLATES) == {"runbook", "exit-plan"}
    with pytest.raises(ValueError, match="unknown template"):
        template_file("../../etc/passwd")


def test_gantt_names_keep_only_what_mermaid_accepts():
    assert timeline.gantt_text('web"; rm -rf / #: x') == "web rm -rf x"
    assert timeline.gantt_text("::#;") == "item"
    assert timeline.batches([0, 0, 5, 5, 20, 20]) == [(2, 5), (4, 20)]


def test_an_offering_without_native_names_is_left_to_the_console():
    bare = Offering.model_validate({"id": "d4s", "description": "no size here", "vcpu": 8,
                                    "ram_gb": 32, "disk_gb": 100, "price_per_month": 1, **SRC})
    az = Provider.model_validate(provider("az1", cli="az"))
    rows = [Row("web", "web-az1", bare, 1, 1, 1, 1, 1, (Batch(1, 1, 1),))]
    steps = tool_steps(az, rows)
    assert steps.tool is None and steps.create == []
    assert "`d4s`" in steps.notes[0] and "console" in steps.notes[0]


def _small_plan(**inv_kw) -> Plan:
    inv = inventory_dict(horizon=60, **inv_kw)
    return pipeline.plan(Inventory.model_validate(inv), small_catalog()).plan


def test_runbook_sections_numbers_and_lint_on_a_small_plan():
    plan = _small_plan()
    text = render_runbook(plan)
    for heading in ("## Summary", "### Short at the deadline", "## Decisions", "## Timeline",
                    "## Providers", "## Data copy", "## DNS", "## Email", "## SMS",
                    "## Verification", "## Rollback", "## Risks", "## Costs", "## Solver"):
        assert heading in text
    assert f"{plan.servers_at_deadline} of {plan.servers_total}" in text
    assert not any(line.rstrip() != line for line in text.splitlines())
    assert lint(text) == []
    assert gantt_problems(text, plan.horizon_hours) == []
    exit_plan = render_runbook(plan, template="exit-plan")
    assert lint(exit_plan) == [] and "## Stressed exit" in exit_plan


def test_two_groups_with_the_same_hostname_are_told_apart_and_the_runbook_says_so():
    inv = inventory_dict(horizon=60)
    inv["groups"][0]["name"] = "Web!"
    inv["groups"][0]["depends_on"] = []
    inv["groups"][2]["name"] = "web?"
    plan = pipeline.plan(Inventory.model_validate(inv), small_catalog()).plan
    names = name_map(plan)
    assert names.group["Web!"] != names.group["web?"]
    assert names.group["Web!"].startswith("web-") and names.group["web?"].startswith("web-")
    assert name_map(plan) == names  # deterministic
    text = render_runbook(plan)
    assert "made unique with a hash of the name" in text
    assert f"`{names.group['Web!']}`" in text and f"`{names.group['web?']}`" in text


# --- hostile names ------------------------------------------------------------------------

# Each name carries a marker (`pwned_N`) that its hostname label cannot contain (labels turn
# "_" and "/" into "-"), so a marker in a command token means the raw name reached it.
HOSTILE = [
    'web"; touch /tmp/pwned_1 #',
    "$(touch /tmp/pwned_2)",
    "api'; touch /tmp/pwned_3; echo '",
    "`touch /tmp/pwned_4`",
    "db && touch /tmp/pwned_5 | cat > /tmp/x < /etc/passwd",
    "* ? ~ {a,b} [x] !pwned_6 \\ % ${IFS}",
]
MARKERS = [f"pwned_{i}" for i in range(1, 7)]
HOSTILE_ZONE = "ex'ample.com; touch /tmp/pwned_7"
CLIS = ["hcloud", "doctl", "vultr-cli", "linode-cli", "scw", "upctl", "ovhcloud", "gcloud", "az",
        "ionosctl"]


NATIVE_M = {"type": "m-8c-32gb", **SRC}
HOSTILE_NATIVE = {"az": {"type": "Standard_D8s_v5", "boot_disk": {"size_gb": 200}, **SRC},
                  "ionosctl": {"type": "VCPU", "cores": 8, "memory_gb": 32,
                               "boot_disk": {"size_gb": 200, "type": "SSD Standard"}, **SRC}}


def _hostile_plan() -> Plan:
    providers = [provider(f"p-{cli}", onboarding=1, quota=2, rate=10,
                          offerings=[offering("m", 8, 32, 200, 20 + i,
                                              native=HOSTILE_NATIVE.get(cli, NATIVE_M))],
                          cli=cli)
                 for i, cli in enumerate(CLIS)]
    catalog = Catalog.model_validate(catalog_dict(extra_providers=providers))
    inv = inventory_dict(horizon=48, egress_gbps=5)
    inv["groups"] = [{"name": name, "count": 3, "vcpu": 4, "ram_gb": 8, "disk_gb": 50,
                      "data_gb": 30 if i % 2 else 0, "tier": 1}
                     for i, name in enumerate(HOSTILE)]
    inv["services"]["dns"]["zones"] = [HOSTILE_ZONE]
    inv["services"]["email"]["sending_domains"] = [HOSTILE_ZONE]
    inv["policy"]["max_share_per_provider"] = 0.7
    return pipeline.plan(Inventory.model_validate(inv), catalog).plan


@pytest.fixture(scope="module")
def hostile():
    plan = _hostile_plan()
    return plan, {name: render_runbook(plan, template=name) for name in TEMPLATES}


def test_hostile_names_reach_commands_only_as_one_quoted_token(hostile):
    plan, docs = hostile
    assert len({a.provider for a in plan.assignments}) >= 8  # spread over many CLIs
    seen = set()
    for doc in docs.values():
        for block in code_blocks(doc, ("sh", "bash")):
            tokens = shlex.split(block, comments=True, posix=True)
            for token in tokens:
                for marker, name in zip(MARKERS, HOSTILE):
                    if marker in token:
                        assert name in token, (name, token, block)  # never split into words
                        seen.add(name)
                if "pwned_7" in token:
                    assert HOSTILE_ZONE in token, (token, block)
                    seen.add(HOSTILE_ZONE)
            assert "touch" not in tokens, block  # no hostile word stands alone
    assert HOSTILE_ZONE in seen and len(seen) >= 3  # the test saw hostile names in commands


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_every_shell_block_of_a_hostile_runbook_parses(hostile):
    _, docs = hostile
    blocks = code_blocks(docs["runbook"], ("sh", "bash"))
    assert len(blocks) > 10
    for block in blocks:
        assert bash_syntax_errors(block) == "", block


def test_a_hostile_runbook_is_still_lint_clean_markdown_with_a_valid_gantt(hostile):
    plan, docs = hostile
    for doc in docs.values():
        assert lint(doc) == []
    assert gantt_problems(docs["runbook"], plan.horizon_hours) == []
    # every hostile name became a hostname label, and the runbook lists each of them
    for name in HOSTILE:
        assert code_span(name).replace("|", "\\|") in docs["runbook"]
    assert "not a valid hostname label" in docs["runbook"]


def test_rendering_is_deterministic(hostile):
    plan, docs = hostile
    again = Plan.model_validate(json.loads(plan.model_dump_json()))
    assert render_runbook(again) == docs["runbook"]


def test_two_dns_providers_get_an_octodns_config():
    plan = _small_plan()
    data = json.loads(plan.model_dump_json())
    data["catalog"]["services"].append({
        "id": "cloudflare-dns", "name": "Cloudflare DNS", "kind": "dns", "jurisdiction": "US",
        "website": "https://www.cloudflare.com/", **SRC, "onboarding_hours": 1,
        "refusal_risk": 0.5,
        "offerings": [{"id": "free", "capacity": {"zones": {"values": [10]}}}]})
    dns = next(s for s in data["services"] if s["kind"] == "dns")
    data["services"].append({**dns, "vendor": "cloudflare-dns", "offering": "free"})
    two = Plan.model_validate(data)
    text = render_runbook(two)
    assert "### A second DNS provider" in text and "octodns_cloudflare.CloudflareProvider" in text
    assert "# dnsco: no octoDNS provider is configured here" in text
    assert '"example.com.":' in text
    assert lint(text) == []
