"""The Ubuntu 24.04 LTS image each provider's tools take by default, by the CLI that names it:
one table for the runbook's commands (shell/compute*.py) and `planner export`'s modules
(export/targets_*.py), which take the same names. Where a provider names its images by an
id that varies by region (Vultr, OCI, AWS, Contabo), no default is given: the engineer sets
it. An offering that needs its own image (arm64) says so in its native fields."""

from __future__ import annotations

UBUNTU = {
    "hcloud": "ubuntu-24.04",
    "doctl": "ubuntu-24-04-x64",
    "linode-cli": "linode/ubuntu24.04",
    "scw": "ubuntu_noble",
    "upctl": "Ubuntu Server 24.04 LTS (Noble Numbat)",
    "openstack": "Ubuntu 24.04",
    "ionosctl": "ubuntu:latest",
    "az": "Canonical:ubuntu-24_04-lts:server:latest",  # publisher:offer:sku:version
}
GCP_IMAGE_PROJECT, GCP_IMAGE_FAMILY = "ubuntu-os-cloud", "ubuntu-2404-lts-amd64"
