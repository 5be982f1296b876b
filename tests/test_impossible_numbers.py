"""Impossible numbers are refused wherever they enter: a catalog layer (`catalog validate`,
`-c`) and `--set` (issue 18, item 6). A negative price once gave a plan of -2,388,816 USD
a month that `verify` called valid."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from planner import pipeline
from planner.cli.main import main

SRC = {"source": "test", "as_of": "2026-01"}
PARLER = Path(__file__).resolve().parent.parent / "inventories" / "parler-2021.yaml"


def _layer(tmp_path, **fields):
    path = tmp_path / "layer.yaml"
    path.write_text(yaml.safe_dump({"providers": [{"id": "hetzner-cloud", **fields}]}))
    return path


def _offering(**fields):
    return {"offerings": [{"id": "cx33", **fields}]}


@pytest.mark.parametrize("fields, said", [
    (_offering(price_per_month={"value": -5, **SRC}), "negative"),
    ({"quota_servers": {"value": -1, **SRC}}, "negative"),
    ({"onboarding_hours": {"value": -2, **SRC}}, "negative"),
    (_offering(vcpu={"value": -4, **SRC}), "negative"),
    (_offering(ram_gb={"value": 0, **SRC}), "ram_gb must be above 0"),
    ({"quota_servers": {"value": float("nan"), **SRC}}, "not a finite number"),
    ({"ingress_gbps": {"value": float("inf"), **SRC}}, "not a finite number"),
    ({"quota_servers": {"value": 5, "source": "test", "as_of": "2999-01-01"}}, "future"),
    ({"quota_servers": {"value": 5, "source": "test", "as_of": "2026-02-30"}},
     "not a date of the calendar"),
    ({"quota_servers": {"value": 40, **SRC}, "quota_raise_servers": {"value": 30, **SRC}},
     "a raise to 30 servers is below the quota of 40"),
    ({"quota_raise_servers": {"value": 2, **SRC}}, "below the quota of 5"),  # shipped quota
])
def test_catalog_validate_refuses(tmp_path, fields, said):
    layer = _layer(tmp_path, **fields)
    result = CliRunner().invoke(main, ["catalog", "validate", str(layer)])
    assert result.exit_code == 1 and said in result.output, result.output
    assert str(layer) in result.output and "Traceback" not in result.output


def test_plan_refuses_a_negative_layer_before_solving(tmp_path, monkeypatch):
    layer = _layer(tmp_path, **_offering(price_per_month={"value": -5, **SRC}))
    monkeypatch.setattr(pipeline, "prepare", lambda *a: pytest.fail("planned anyway"))
    result = CliRunner().invoke(main, ["plan", str(PARLER), "-c", str(layer),
                                       "-o", str(tmp_path / "o")])
    assert result.exit_code == 1 and "negative" in result.output, result.output


@pytest.mark.parametrize("setting", ["catalog.hetzner-cloud.quota_servers=-5",
                                     "catalog.hetzner-cloud.offerings.cx33.ram_gb=0",
                                     "catalog.hetzner-cloud.quota_raise_servers=3"])
def test_set_refuses(tmp_path, monkeypatch, setting):
    monkeypatch.setattr(pipeline, "prepare", lambda *a: pytest.fail("planned anyway"))
    result = CliRunner().invoke(main, ["plan", str(PARLER), "--set", setting,
                                       "-o", str(tmp_path / "o")])
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    # the user's path, not pydantic's (providers.1.offerings.0)
    assert "catalog.hetzner-cloud." in result.output and "providers." not in result.output


def test_a_negotiated_quota_above_an_old_raise_is_kept(tmp_path):
    """A later layer may set the quota above the raise an earlier one gave: the raise is
    then moot, not an error (the check is on the layer that sets the raise)."""
    layer = _layer(tmp_path, quota_servers={"value": 200, **SRC})
    result = CliRunner().invoke(main, ["catalog", "validate", str(layer)])
    assert result.exit_code == 0, result.output
