"""The documented flags of each CLI subcommand the runbook uses, read from each tool's own
reference (source per entry), pinned so a test can tell a flag the tool documents from one
made up (tests/test_cli_flags.py). The sign-in/setup subcommands the runbook runs bare
(`az login`, `scw init`, `oci setup config` ...) are pinned too.

Conventions:
- Each entry holds every flag its reference lists for that subcommand, long and short forms,
  with their leading dashes, including the inherited/global flags the page lists (`-o`,
  `--output`, `--help` ...). Value placeholders are dropped (`--size int` -> `--size`); the
  flags are sorted by name, short and long forms together.
- The subcommand is "" for a tool invoked without one (rsync, curl, octodns-sync).
- scw takes `key=value` arguments rather than flags: they are written as the documented
  argument name plus "=", list arguments with their documented `{index}` placeholder
  (`tags.{index}=` stands for `tags.0=`, `tags.1=` ...); scw's real flags (`--wait`, `-o`)
  sit in the same set.
- Boolean `--no-X` negations a tool accepts generically (rsync's `--no-OPTION`, curl's
  `--no-` form of boolean options, gcloud's `--no-` form of on-by-default flags) are listed
  only where the reference spells them out.
- rclone's global flags are those of docs/content/flags.md minus its Backend group (the
  per-backend `--s3-...`, `--sftp-...` flags).
- linode-cli's `linodes list` lists the CLI's own options only, not the per-field filter
  arguments generated from the API spec.
- Not pinned (their current reference could not be read from the stored material): gcloud's
  current reference pages (the entries below are the 2017 gcloud 163.0.0 man pages, see
  their source), and PostgreSQL's pg_basebackup, pg_ctl and psql (only pre-10 versions of
  doc/src/sgml/ref/*.sgml are stored).
"""

from __future__ import annotations


def _flags(text: str) -> frozenset[str]:
    """The whitespace-separated flags of `text`."""
    return frozenset(text.split())


# rclone's global flags: github.com/rclone/rclone docs/content/flags.md @ 64ab1ac, every group
# but Backend.
_RCLONE_GLOBAL = _flags(
    """
    --ask-password --auto-confirm --backup-dir --bind --buffer-size --bwlimit --bwlimit-file -c
    --ca-cert --cache-dir --check-first --checkers --checksum --client-cert --client-key
    --client-pass --color --compare-dest --config --contimeout --copy-dest --cpuprofile
    --cutoff-mode --default-time --delete-after --delete-before --delete-during --delete-excluded
    --disable --disable-http-keep-alives --disable-http2 --dry-run --dscp --dump --dump-bodies
    --dump-headers --error-on-no-transfer --exclude --exclude-from --exclude-if-present
    --expect-continue-timeout -f --fast-list --files-from --files-from-raw --files-from0 --filter
    --filter-from --fix-case --fs-cache-expire-duration --fs-cache-expire-interval --hash-filter
    --header --header-download --header-upload --http-proxy --human-readable -I -i --ignore-case
    --ignore-case-sync --ignore-checksum --ignore-errors --ignore-existing --ignore-size
    --ignore-times --immutable --include --include-from --inplace --interactive --kv-lock-time -l
    --links --list-cutoff --log-file --log-file-compress --log-file-max-age --log-file-max-backups
    --log-file-max-size --log-format --log-level --log-systemd --low-level-retries -M --max-age
    --max-backlog --max-buffer-memory --max-connections --max-delete --max-delete-size --max-depth
    --max-duration --max-size --max-stats-groups --max-transfer --memprofile --metadata
    --metadata-exclude --metadata-exclude-from --metadata-filter --metadata-filter-from
    --metadata-include --metadata-include-from --metadata-mapper --metadata-set --metrics-addr
    --metrics-allow-origin --metrics-baseurl --metrics-cert --metrics-client-ca --metrics-htpasswd
    --metrics-key --metrics-max-header-bytes --metrics-min-tls-version --metrics-pass
    --metrics-realm --metrics-response-header --metrics-salt --metrics-server-read-timeout
    --metrics-server-write-timeout --metrics-template --metrics-user --metrics-user-from-header
    --min-age --min-size --modify-window --multi-thread-chunk-size --multi-thread-cutoff
    --multi-thread-streams --multi-thread-write-buffer-size -n --name-transform
    --no-check-certificate --no-check-dest --no-console --no-gzip-encoding --no-traverse
    --no-unicode-normalization --no-update-dir-modtime --no-update-modtime --order-by -P
    --partial-suffix --password-command --progress --progress-terminal-title -q --quiet --rc
    --rc-addr --rc-allow-origin --rc-baseurl --rc-cert --rc-client-ca --rc-enable-metrics
    --rc-files --rc-htpasswd --rc-job-expire-duration --rc-job-expire-interval --rc-key
    --rc-max-header-bytes --rc-min-tls-version --rc-no-auth --rc-pass --rc-realm
    --rc-response-header --rc-salt --rc-serve --rc-serve-no-modtime --rc-server-read-timeout
    --rc-server-write-timeout --rc-template --rc-user --rc-user-from-header --rc-web-fetch-url
    --rc-web-gui --rc-web-gui-force-update --rc-web-gui-no-open-browser --rc-web-gui-update
    --refresh-times --retries --retries-sleep --server-side-across-configs --size-only --stats
    --stats-file-name-length --stats-log-level --stats-one-line --stats-one-line-date
    --stats-one-line-date-format --stats-unit --streaming-upload-cutoff --suffix
    --suffix-keep-extension --syslog --syslog-facility --temp-dir --timeout --tpslimit
    --tpslimit-burst --track-renames --track-renames-strategy --transfers -u --update --use-cookies
    --use-json-log --use-mmap --use-server-modtime --user-agent -v --verbose
    """
)

# (cli, subcommand) -> (every documented flag, long and short forms, with leading dashes; source)
FLAGS: dict[tuple[str, str], tuple[frozenset[str], str]] = {
    ("hcloud", "context create"): (
        _flags(
            """
            --config --context --debug --debug-file --endpoint -h --help --hetzner-endpoint
            --http-timeout --no-experimental-warnings --poll-interval --quiet --token-from-env
            """
        ),
        "github.com/hetznercloud/cli docs/reference/manual/hcloud_context_create.md @ 1255e95",
    ),
    ("hcloud", "server create"): (
        _flags(
            """
            --allow-deprecated-image --automount --config --context --debug --debug-file
            --enable-backup --enable-protection --endpoint --firewall -h --help --hetzner-endpoint
            --http-timeout --image --label --location --name --network --no-experimental-warnings
            -o --output --placement-group --poll-interval --primary-ipv4 --primary-ipv6 --quiet
            --ssh-key --start-after-create --type --user-data-from-file --volume --without-ipv4
            --without-ipv6
            """
        ),
        "github.com/hetznercloud/cli docs/reference/manual/hcloud_server_create.md @ 1255e95",
    ),
    ("hcloud", "volume create"): (
        _flags(
            """
            --automount --config --context --debug --debug-file --enable-protection --endpoint
            --format -h --help --hetzner-endpoint --http-timeout --label --location --name
            --no-experimental-warnings -o --output --poll-interval --quiet --server --size
            """
        ),
        "github.com/hetznercloud/cli docs/reference/manual/hcloud_volume_create.md @ 1255e95",
    ),
    ("hcloud", "server list"): (
        _flags(
            """
            --config --context --debug --debug-file --endpoint -h --help --hetzner-endpoint
            --http-timeout -l --no-experimental-warnings -o --output --poll-interval --quiet -s
            --selector --sort --status
            """
        ),
        "github.com/hetznercloud/cli docs/reference/manual/hcloud_server_list.md @ 1255e95",
    ),
    ("doctl", "auth init"): (
        _flags(
            """
            --access-token --api-url -c --config --context -h --help --http-retry-max
            --http-retry-wait-max --http-retry-wait-min --interactive -o --output -t
            --token-validation-server --trace -u -v --verbose
            """
        ),
        "github.com/digitalocean/doctl commands/auth.go (cmdAuthInit) + commands/doit.go (global "
        "flags) @ 168188d",
    ),
    ("doctl", "compute droplet create"): (
        _flags(
            """
            --access-token --api-url --backup-policy-hour --backup-policy-plan
            --backup-policy-weekday -c --config --context --droplet-agent --enable-backups
            --enable-ipv6 --enable-monitoring --enable-private-networking
            --enable-public-networking --format -h --help --http-retry-max --http-retry-wait-max
            --http-retry-wait-min --image --interactive --no-header -o --output --project-id
            --region --size --ssh-keys -t --tag-name --tag-names --trace -u --user-data
            --user-data-file -v --verbose --volumes --vpc-uuid --wait
            """
        ),
        "github.com/digitalocean/doctl commands/droplets.go, commands/command.go "
        "(--format/--no-header), commands/doit.go (global flags), args.go @ 168188d; the flag help"
        " behind docs.digitalocean.com/reference/doctl/reference/compute/droplet/create",
    ),
    ("doctl", "compute droplet list"): (
        _flags(
            """
            --access-token --api-url -c --config --context --format --gpus -h --help
            --http-retry-max --http-retry-wait-max --http-retry-wait-min --interactive --no-header
            -o --output --region -t --tag-name --trace -u -v --verbose
            """
        ),
        "github.com/digitalocean/doctl commands/droplets.go, commands/command.go "
        "(--format/--no-header), commands/doit.go (global flags), args.go @ 168188d; the flag help"
        " behind docs.digitalocean.com/reference/doctl/reference/compute/droplet/list",
    ),
    ("vultr-cli", "instance create"): (
        _flags(
            """
            -a --app --auto-backup -b --block-devices --config -d --ddos --firewall-group -h --help
            --host --image --ipv6 --ipxe --iso -l --label -n --notify -o --os --output -p --plan -r
            --region --reserved-ipv4 -s --script-id --snapshot --ssh-keys --tags -u --userdata
            --userdata-file --vpc-enable --vpc-ids --vpc-only
            """
        ),
        "github.com/vultr/vultr-cli cmd/instance/instance.go (create flags) + cmd/root.go and "
        "README.md (global --config, -o/--output, -h/--help) @ 98793a1",
    ),
    ("vultr-cli", "instance list"): (
        _flags(
            """
            -c --config --cursor -h --help -o --output -p --per-page
            """
        ),
        "github.com/vultr/vultr-cli cmd/instance/instance.go (list flags) + cmd/root.go and "
        "README.md (global --config, -o/--output, -h/--help) @ 98793a1",
    ),
    ("linode-cli", "configure"): (
        _flags(
            """
            --alias --alias-command --all --all-columns --all-rows --as-user --ascii-table
            --column-width --debug --delimiter --format --help --json --markdown --no-defaults
            --no-headers --no-retry --no-truncation --page --page-size --pretty --raw-body
            --single-table --suppress-warnings --table --text -v --version
            """
        ),
        "github.com/linode/linode-cli linodecli/__init__.py (configure is read by the top-level "
        "parser) + linodecli/arg_helpers.py, helpers.py, output/helpers.py @ f61690e",
    ),
    ("linode-cli", "linodes create"): (
        _flags(
            """
            --alias --alias-command --all --all-columns --all-rows --as-user --ascii-table
            --authorized_keys --authorized_users --backup_id --backups_enabled --booted
            --column-width --debug --delimiter --firewall_id --format --group --help --image
            --interfaces.ip_ranges --interfaces.ipam_address --interfaces.ipv4.nat_1_1
            --interfaces.ipv4.vpc --interfaces.label --interfaces.primary --interfaces.purpose
            --interfaces.subnet_id --json --label --markdown --metadata.user_data --no-defaults
            --no-headers --no-retry --no-truncation --page --page-size --pretty --private_ip
            --raw-body --region --root_pass --single-table --stackscript_data --stackscript_id
            --suppress-warnings --swap_size --table --tags --text --type -v --version
            """
        ),
        "action args: github.com/linode/linode-api-docs openapi.yaml v4.173.0 @ 00102c1, POST "
        "/linode/instances (createLinodeInstance) + LinodeRequest + LinodeConfigInterface; CLI "
        "options: github.com/linode/linode-cli linodecli/arg_helpers.py, helpers.py, "
        "output/helpers.py + wiki/Output.md, wiki/Usage.md @ f61690e",
    ),
    ("linode-cli", "linodes list"): (
        _flags(
            """
            --alias --alias-command --all --all-columns --all-rows --as-user --ascii-table
            --column-width --debug --delimiter --format --help --json --markdown --no-defaults
            --no-headers --no-retry --no-truncation --page --page-size --pretty --raw-body
            --single-table --suppress-warnings --table --text -v --version
            """
        ),
        "CLI options: github.com/linode/linode-cli linodecli/arg_helpers.py, helpers.py, "
        "output/helpers.py + wiki/Output.md, wiki/Usage.md @ f61690e; the per-field filter "
        "arguments the spec marks x-linode-filterable are not listed",
    ),
    ("scw", "init"): (
        _flags(
            """
            -c --config -D --debug -h --help -o --output -p --profile
            """
        ),
        "github.com/scaleway/scaleway-cli docs/commands/init.md (lists no arguments) + the global "
        "flags of every cmd/scw/testdata/test-all-usage-*-usage.golden @ c2d470d",
    ),
    ("scw", "instance server create"): (
        _flags(
            """
            additional-volumes.{index}= admin-password-encryption-ssh-key-id= boot-type= -c
            cloud-init= --config -D --debug dynamic-ip-required= -h --help image= ip= ipv6=
            --list-sub-commands name= -o organization-id= --output -p placement-group-id= --profile
            project-id= root-volume= security-group-id= stopped= tags.{index}= type= -w --wait
            --web zone=
            """
        ),
        "github.com/scaleway/scaleway-cli "
        "cmd/scw/testdata/test-all-usage-instance-server-create-usage.golden (the `--help` text; "
        "same args as docs/commands/instance.md) @ c2d470d",
    ),
    ("scw", "instance server list"): (
        _flags(
            """
            -c commercial-type= --config -D --debug -h --help --list-sub-commands name= -o order=
            organization-id= --output -p private-ip= private-network= private-networks=
            private-nic-mac-address= --profile project-id= servers= state= tags= --web with-ip=
            without-ip= zone=
            """
        ),
        "github.com/scaleway/scaleway-cli "
        "cmd/scw/testdata/test-all-usage-instance-server-list-usage.golden (the `--help` text; "
        "same args as docs/commands/instance.md) @ c2d470d",
    ),
    ("upctl", "server create"): (
        _flags(
            """
            --avoid-host --boot-order --client-timeout --config --cores --create-password --debug
            --enable-firewall --enable-metadata --enable-remote-access --force-colours -h --help
            --host --hostname --label --memory --network --no-colours -o --os --os-storage-encrypt
            --os-storage-size --output --password-delivery --plan --remote-access-password
            --remote-access-type --server-group --simple-backup --ssh-keys --storage -t --time-zone
            --title --user-data --username --video-model --wait --zone
            """
        ),
        "github.com/UpCloudLtd/upcloud-cli internal/commands/server/create.go + "
        "internal/core/core.go (global flags) + internal/config/optionalboolean.go @ c90c9ea (the "
        "repo no longer commits the generated docs/upctl_server_*.md; last committed at e6ae880, "
        "2022)",
    ),
    ("upctl", "server list"): (
        _flags(
            """
            --client-timeout --config --debug --force-colours -h --help --no-colours -o --output
            --show-ip-addresses -t
            """
        ),
        "github.com/UpCloudLtd/upcloud-cli internal/commands/server/list.go + "
        "internal/core/core.go (global flags) + internal/config/optionalboolean.go @ c90c9ea (the "
        "repo no longer commits the generated docs/upctl_server_*.md; last committed at e6ae880, "
        "2022)",
    ),
    ("openstack", "server create"): (
        _flags(
            """
            --auto-network --availability-zone --block-device --block-device-mapping
            --boot-from-volume -c --column --config-drive --delete-on-termination --description
            --ephemeral -f --file --fit-width --flavor --format -h --help --hint --host --hostname
            --hypervisor-hostname --image --image-property --key-name --max --max-width --min
            --network --nic --no-config-drive --no-network --no-security-group --noindent
            --password --port --prefix --print-empty --property --security-group --server-group
            --snapshot --swap --tag --trusted-image-cert --use-config-drive --user-data --volume
            --wait
            """
        ),
        "github.com/openstack/python-openstackclient openstackclient/compute/v2/server.py "
        "CreateServer @ 5b7da4b (what docs.openstack.org renders); cliff output options as in the "
        "usage line of docs.redhat.com "
        ".../red_hat_openstack_services_on_openshift/18.0/.../server_create",
    ),
    ("openstack", "server list"): (
        _flags(
            """
            --all-projects --availability-zone -c --changes-before --changes-since --column
            --config-drive --deleted -f --fit-width --flavor --format -h --help --host --image
            --instance-name --ip --ip6 --key-name --limit --locked --long --marker --max-width -n
            --name --name-lookup-one-by-one --no-config-drive --no-name-lookup --noindent
            --not-tags --power-state --print-empty --progress --project --project-domain --quote
            --reservation-id --sort-ascending --sort-column --sort-descending --status --tags
            --task-state --unlocked --user --user-domain --vm-state
            """
        ),
        "github.com/openstack/python-openstackclient openstackclient/compute/v2/server.py "
        "ListServer @ 5b7da4b (what docs.openstack.org renders); identity/common.py and "
        "common/pagination.py (--project-domain, --user-domain, --limit, --marker); cliff output "
        "options as in the usage line of docs.redhat.com "
        ".../red_hat_openstack_services_on_openshift/18.0/.../server_list",
    ),
    ("gcloud", "auth login"): (
        _flags(
            """
            --account --activate --brief --configuration --enable-gdrive-access --flatten --force
            --format -h --help --launch-browser --log-http --no-activate --no-launch-browser
            --project -q --quiet --trace-token --user-output-enabled --verbosity
            """
        ),
        "github.com/google-cloud-sdk-unofficial/google-cloud-sdk help/man/man1/gcloud_auth_login.1"
        " + gcloud.1 (-h, -q) @ d47e02d = gcloud 163.0.0 (2017), the last release that ships man "
        "pages in that mirror; the current cloud.google.com reference could not be read whole",
    ),
    ("gcloud", "compute instances create"): (
        _flags(
            """
            --accelerator --account --address --boot-disk-auto-delete --boot-disk-device-name
            --boot-disk-size --boot-disk-type --can-ip-forward --configuration --csek-key-file
            --custom-cpu --custom-extensions --custom-memory --description --disk --flatten
            --format -h --help --image --image-family --image-project --labels --local-ssd
            --log-http --machine-type --maintenance-policy --metadata --metadata-from-file
            --network --no-address --no-boot-disk-auto-delete --no-require-csek-key-create
            --no-restart-on-failure --no-scopes --no-service-account --preemptible
            --private-network-ip --project -q --quiet --require-csek-key-create
            --restart-on-failure --scopes --service-account --subnet --tags --trace-token
            --user-output-enabled --verbosity --zone
            """
        ),
        "github.com/google-cloud-sdk-unofficial/google-cloud-sdk "
        "help/man/man1/gcloud_compute_instances_create.1 + gcloud.1 (-h, -q) @ d47e02d = gcloud "
        "163.0.0 (2017), the last release that ships man pages in that mirror; "
        "cloud.google.com/sdk/gcloud/reference/compute/instances/create could not be read whole",
    ),
    ("gcloud", "compute instances list"): (
        _flags(
            """
            --account --configuration --filter --flatten --format -h --help --limit --log-http
            --page-size --project -q --quiet -r --regexp --sort-by --trace-token --uri
            --user-output-enabled --verbosity --zones
            """
        ),
        "github.com/google-cloud-sdk-unofficial/google-cloud-sdk "
        "help/man/man1/gcloud_compute_instances_list.1 + gcloud.1 (-h, -q) @ d47e02d = gcloud "
        "163.0.0 (2017), the last release that ships man pages in that mirror; "
        "cloud.google.com/sdk/gcloud/reference/compute/instances/list could not be read whole",
    ),
    ("az", "login"): (
        _flags(
            """
            --acquire-policy-token --allow-no-subscriptions --certificate --change-reference
            --claims-challenge --client-id --debug --federated-token -h --help -i --identity -o
            --object-id --only-show-errors --output -p --password --query --resource-id -s --scope
            --service-principal --skip-sub --skip-subscription-discovery --subscription -t --tenant
            -u --use-cert-sn-issuer --use-device-code --username --verbose
            """
        ),
        "github.com/MicrosoftDocs/azure-docs-cli "
        "docs-ref-autogen/Latest-version/latest/reference-index.yml (az login) @ e97b361 = "
        "learn.microsoft.com/cli/azure/reference-index#az-login",
    ),
    ("az", "vm create"): (
        _flags(
            """
            --accelerated-networking --accept-term --acquire-policy-token --add-proxy-agent-ext
            --add-proxy-agent-extension --additional-events --additional-scheduled-events
            --admin-password --admin-username --align-regional-disks
            --align-regional-disks-to-vm-zone --all-instance-down --asgs --assign-identity
            --attach-data-disks --attach-os-disk --authentication-type --availability-set
            --boot-diagnostics-storage --capacity-reservation-group --change-reference
            --computer-name --count --crg --custom-data --data-disk-caching
            --data-disk-delete-option --data-disk-encryption-sets --data-disk-iops --data-disk-mbps
            --data-disk-sizes-gb --debug --disable-integrity-monitoring-autoupgrade
            --disk-controller-type --edge-zone --enable-agent --enable-all-instance-down
            --enable-auto-update --enable-hibernation --enable-hotpatching
            --enable-integrity-monitoring --enable-proxy-agent --enable-reboot --enable-redeploy
            --enable-secure-boot --enable-user-reboot-scheduled-events
            --enable-user-redeploy-scheduled-events --enable-vtpm --encryption-at-host
            --encryption-identity --ephemeral-full-caching --ephemeral-os-disk
            --ephemeral-os-disk-enable-full-caching --ephemeral-os-disk-placement
            --ephemeral-placement --eviction-policy --exclude-zones -g --generate-ssh-keys -h
            --help --host --host-group --image --imds-access-control-profile-reference-id
            --imds-mode --imds-profile-id --include-zones --key-incarnation-id -l --license-type
            --location --max-price -n --name --nic-delete-option --nics --no-wait --nsg --nsg-rule
            -o --only-show-errors --os-disk-caching --os-disk-delete-option
            --os-disk-encryption-set --os-disk-name --os-disk-secure-vm-disk-encryption-set
            --os-disk-security-encryption-type --os-disk-size-gb --os-type --output --patch-mode
            --plan-name --plan-product --plan-promotion-code --plan-publisher
            --platform-fault-domain --ppg --priority --private-ip-address --proxy-agent-mode
            --public-ip-address --public-ip-address-allocation --public-ip-address-dns-name
            --public-ip-sku --query --resource-group --role --scheduled-events-api-version --scope
            --se-api-version --secrets --security-type --size --source-disk-restore-point
            --source-disk-restore-point-size-gb --source-disk-rp --source-resource
            --source-resource-size --source-rp-size --source-snapshots-or-disks
            --source-snapshots-or-disks-size-gb --specialized --ssh-dest-key-path --ssh-key-name
            --ssh-key-type --ssh-key-values --storage-account --storage-container-name
            --storage-sku --subnet --subnet-address-prefix --subscription --tags
            --ultra-ssd-enabled --use-unmanaged-disk --user-data --v-cpus-available
            --v-cpus-per-core --validate --verbose --vmss --vnet-address-prefix --vnet-name
            --wire-server-access-control-profile-reference-id --wire-server-mode
            --wire-server-profile-id --workspace -z --zone --zone-movement --zone-placement-policy
            """
        ),
        "github.com/MicrosoftDocs/azure-docs-cli docs-ref-autogen/Latest-version/latest/vm.yml (az"
        " vm create) @ e97b361 = learn.microsoft.com/cli/azure/vm",
    ),
    ("az", "vm list-ip-addresses"): (
        _flags(
            """
            --acquire-policy-token --change-reference --debug -g -h --help --ids -n --name -o
            --only-show-errors --output --query --resource-group --subscription --verbose
            """
        ),
        "github.com/MicrosoftDocs/azure-docs-cli docs-ref-autogen/Latest-version/latest/vm.yml (az"
        " vm list-ip-addresses) @ e97b361 = learn.microsoft.com/cli/azure/vm",
    ),
    ("az", "vm list-usage"): (
        _flags(
            """
            --acquire-policy-token --change-reference --debug -h --help -l --location -o
            --only-show-errors --output --query --subscription --verbose
            """
        ),
        "github.com/MicrosoftDocs/azure-docs-cli docs-ref-autogen/Latest-version/latest/vm.yml (az"
        " vm list-usage) @ e97b361 = learn.microsoft.com/cli/azure/vm",
    ),
    ("oci", "setup config"): (
        _flags(
            """
            -? --auth --auth-purpose --cert-bundle --cli-auto-prompt --cli-rc-file --config-file
            --connection-timeout -d --debug --defaults-file --enable-dual-stack
            --enable-propagation --endpoint --federation-endpoint
            --generate-full-command-json-input --generate-param-json-input -h --help -i
            --latest-version --max-retries --no-retry --opc-client-request-id --opc-request-id
            --output --profile --proxy --query --raw-output --read-timeout
            --realm-specific-endpoint --region --release-info --request-id -v --version
            """
        ),
        "github.com/oracle/oci-cli src/oci_cli/cli_setup.py (setup config: only "
        "cli_util.help_option) + src/oci_cli/cli_root.py (global parameters) @ 02d1a3d",
    ),
    ("oci", "compute instance launch"): (
        _flags(
            """
            -? --agent-config --assign-ipv6-ip --assign-private-dns-record --assign-public-ip
            --auth --auth-purpose --availability-config --availability-domain
            --boot-volume-size-in-gbs --capacity-reservation-id --cert-bundle --cli-auto-prompt
            --cli-rc-file --cluster-placement-group-id --compartment-id --compute-cluster-id
            --config-file --connection-timeout -d --debug --dedicated-vm-host-id --defaults-file
            --defined-tags --display-name --enable-dual-stack --enable-propagation --endpoint
            --extended-metadata --fault-domain --federation-endpoint --freeform-tags --from-json
            --generate-full-command-json-input --generate-param-json-input -h --help
            --hostname-label -i --image-id --instance-configuration-id --instance-options
            --ipv6-address-subnet-cidr-pairs --ipxe-script-file --is-ai-enterprise-enabled
            --is-pv-encryption-in-transit-enabled --latest-version --launch-options
            --launch-volume-attachments --licensing-configs --max-retries --max-wait-seconds
            --metadata --no-retry --nsg-ids --opc-client-request-id --opc-request-id --output
            --placement-constraint-details --platform-config --preemptible-instance-config
            --private-ip --profile --proxy --query --raw-output --read-timeout
            --realm-specific-endpoint --region --release-info --request-id --security-attributes
            --shape --shape-config --skip-source-dest-check --source-boot-volume-id
            --source-details --ssh-authorized-keys-file --subnet-id --user-data-file -v --version
            --vnic-display-name --wait-for-state --wait-interval-seconds
            """
        ),
        "github.com/oracle/oci-cli services/core/src/oci_cli_compute/generated/compute_cli.py "
        "(launch_instance) + compute_cli_extended.py (launch_instance_extended, which drops "
        "--create-vnic-details) + src/oci_cli/cli_root.py (global parameters) + "
        "json_skeleton_utils.py (--from-json) @ 02d1a3d; the options "
        "docs.oracle.com/iaas/tools/oci-cli/latest/oci_cli_docs/cmdref/compute/instance/launch.html"
        " is generated from",
    ),
    ("oci", "compute instance list"): (
        _flags(
            """
            -? --all --auth --auth-purpose --availability-domain --capacity-reservation-id
            --cert-bundle --cli-auto-prompt --cli-rc-file --compartment-id --compute-cluster-id
            --config-file --connection-timeout -d --debug --defaults-file --display-name
            --enable-dual-stack --enable-propagation --endpoint --federation-endpoint --from-json
            --generate-full-command-json-input --generate-param-json-input -h --help -i
            --latest-version --lifecycle-state --limit --max-retries --no-retry
            --opc-client-request-id --opc-request-id --output --page --page-size --profile --proxy
            --query --raw-output --read-timeout --realm-specific-endpoint --region --release-info
            --request-id --sort-by --sort-order -v --version
            """
        ),
        "github.com/oracle/oci-cli services/core/src/oci_cli_compute/generated/compute_cli.py "
        "(list_instances) + src/oci_cli/cli_root.py (global parameters) + json_skeleton_utils.py "
        "(--from-json) @ 02d1a3d; the options "
        "docs.oracle.com/iaas/tools/oci-cli/latest/oci_cli_docs/cmdref/compute/instance/list.html "
        "is generated from",
    ),
    ("oci", "limits value list"): (
        _flags(
            """
            -? --all --auth --auth-purpose --availability-domain --cert-bundle --cli-auto-prompt
            --cli-rc-file --compartment-id --config-file --connection-timeout -d --debug
            --defaults-file --enable-dual-stack --enable-propagation --endpoint --external-location
            --federation-endpoint --from-json --generate-full-command-json-input
            --generate-param-json-input -h --help -i --latest-version --limit --max-retries --name
            --no-retry --opc-client-request-id --opc-request-id --output --page --page-size
            --profile --proxy --query --raw-output --read-timeout --realm-specific-endpoint
            --region --release-info --request-id --scope-type --service-name --sort-by --sort-order
            --subscription-id -v --version
            """
        ),
        "github.com/oracle/oci-cli services/limits/src/oci_cli_limits/generated/limits_cli.py "
        "(list_limit_values) + src/oci_cli/cli_root.py (global parameters) + "
        "json_skeleton_utils.py (--from-json) @ 02d1a3d",
    ),
    ("ionosctl", "login"): (
        _flags(
            """
            --api-url --blacklist -c --config --custom-names -D --depth --environment --example -F
            -f --filter-version --filters --force -h --help --limit --no-headers -o --offset
            --order-by --output -p --password --profile-name -q --query --quiet --skip-verify -t
            --timeout --token -u --user -v --verbose --version -w --wait --whitelist
            """
        ),
        "github.com/ionos-cloud/ionosctl 'docs/subcommands/CLI Setup/login.md' @ 0e4141a",
    ),
    ("ionosctl", "server create"): (
        _flags(
            """
            -a --api-url --availability-zone --bus -c --cols --confidential --config --cores
            --cpu-family -D --datacenter-id --depth -F -f --filters --force -h --help --image-alias
            --image-id -k -l --licence-type --limit -N -n --name --nic-multi-queue --no-headers -o
            --offset --order-by --output -p --password --promote-volume -q --query --quiet --ram
            --size --ssh-key-paths --storage-type -t --template-id --timeout --type -u -v --verbose
            --volume-name -w --wait -z
            """
        ),
        "github.com/ionos-cloud/ionosctl 'docs/subcommands/Compute Engine/server/create.md' @ "
        "0e4141a (newest; -w is --wait since 431ebfc, 2026-05-21, which removed "
        "-W/--wait-for-state)",
    ),
    ("ionosctl", "volume create"): (
        _flags(
            """
            -a --api-url --availability-zone --backupunit-id --bus -c --cols --config
            --cpu-hot-plug -D --datacenter-id --depth --disc-virtio-hot-plug
            --disc-virtio-hot-unplug -F -f --filters --force -h --help --image-alias --image-id -k
            --licence-type --limit -n --name --nic-hot-plug --nic-hot-unplug --no-headers -o
            --offset --order-by --output -p --password -q --query --quiet --ram-hot-plug -s --size
            --ssh-key-paths -t --timeout --type -u --user-data -v --verbose -w --wait -z
            """
        ),
        "github.com/ionos-cloud/ionosctl 'docs/subcommands/Compute Engine/volume/create.md' @ "
        "0e4141a (newest; -w is --wait since 431ebfc, 2026-05-21, which removed "
        "-W/--wait-for-state)",
    ),
    ("ionosctl", "server volume attach"): (
        _flags(
            """
            --api-url -c --cols --config -D --datacenter-id --depth -F -f --filters --force -h
            --help -i --limit --no-headers -o --offset --order-by --output -q --query --quiet
            --server-id -t --timeout -u -v --verbose --volume-id -w --wait
            """
        ),
        "github.com/ionos-cloud/ionosctl 'docs/subcommands/Compute Engine/server/volume/attach.md'"
        " @ 0e4141a (newest; -w is --wait since 431ebfc, 2026-05-21, which removed "
        "-W/--wait-for-state)",
    ),
    ("ionosctl", "nic create"): (
        _flags(
            """
            --api-url -c --cols --config -D --datacenter-id --depth --dhcp --dhcpv6 -F -f --filters
            --firewall-active --firewall-type --force -h --help --ips --ipv6-cidr --ipv6-ips
            --lan-id --limit -n --name --no-headers -o --offset --order-by --output -q --query
            --quiet --server-id -t --timeout -u -v --verbose -w --wait
            """
        ),
        "github.com/ionos-cloud/ionosctl 'docs/subcommands/Compute Engine/nic/create.md' @ 0e4141a"
        " (newest; -w is --wait since 431ebfc, 2026-05-21, which removed -W/--wait-for-state)",
    ),
    ("ionosctl", "lan create"): (
        _flags(
            """
            --api-url -c --cols --config -D --datacenter-id --depth -F -f --filters --force -h
            --help --ipv6-cidr --limit -n --name --no-headers -o --offset --order-by --output -p
            --pcc-id --public -q --query --quiet -t --timeout -u -v --verbose -w --wait
            """
        ),
        "github.com/ionos-cloud/ionosctl 'docs/subcommands/Compute Engine/lan/create.md' @ 0e4141a"
        " (newest; -w is --wait since 431ebfc, 2026-05-21, which removed -W/--wait-for-state)",
    ),
    ("ionosctl", "server list"): (
        _flags(
            """
            -a --all --api-url -c --cols --config -D --datacenter-id --depth -F -f --filters
            --force -h --help --limit --no-headers -o --offset --order-by --output -q --query
            --quiet -t --timeout -u -v --verbose -w --wait
            """
        ),
        "github.com/ionos-cloud/ionosctl 'docs/subcommands/Compute Engine/server/list.md' @ "
        "0e4141a (newest; -w is --wait since 431ebfc, 2026-05-21, which removed "
        "-W/--wait-for-state)",
    ),
    ("ovhcloud", "baremetal list"): (
        _flags(
            """
            -d --debug -e -f --filter --format -h --help -i --ignore-errors --interactive -j --json
            -y --yaml
            """
        ),
        "github.com/ovh/ovhcloud-cli doc/ovhcloud_baremetal_list.md @ 546f3c8",
    ),
    ("rclone", "config"): (
        _flags(
            """
            -h --help
            """
        )
        | _RCLONE_GLOBAL,
        "github.com/rclone/rclone docs/content/commands/rclone_config.md + docs/content/flags.md "
        "(global flags, all groups but Backend) @ 64ab1ac",
    ),
    ("rclone", "config create"): (
        _flags(
            """
            --all --continue -h --help --no-obscure --no-output --non-interactive --obscure
            --result --state
            """
        )
        | _RCLONE_GLOBAL,
        "github.com/rclone/rclone docs/content/commands/rclone_config_create.md + "
        "docs/content/flags.md (global flags, all groups but Backend) @ 64ab1ac",
    ),
    ("rclone", "copy"): (
        _flags(
            """
            --absolute --combined --create-empty-src-dirs --csv -d --dest-after --differ
            --dir-slash --dirs-only --error -F --files-only --format -h --hash --help --match
            --missing-on-dst --missing-on-src -s --separator -t --timeformat
            """
        )
        | _RCLONE_GLOBAL,
        "github.com/rclone/rclone docs/content/commands/rclone_copy.md + docs/content/flags.md "
        "(global flags, all groups but Backend) @ 64ab1ac",
    ),
    ("rclone", "check"): (
        _flags(
            """
            -C --checkfile --combined --differ --download --error -h --help --match
            --missing-on-dst --missing-on-src --one-way
            """
        )
        | _RCLONE_GLOBAL,
        "github.com/rclone/rclone docs/content/commands/rclone_check.md + docs/content/flags.md "
        "(global flags, all groups but Backend) @ 64ab1ac",
    ),
    ("octodns-sync", ""): (
        _flags(
            """
            --checksum --config-file --debug --doit --force -h --help --log-stream-stdout
            --log-syslog --logging-config --quiet --source --syslog-device --syslog-facility
            --target --version
            """
        ),
        "github.com/octodns/octodns octodns/cmds/sync.py + octodns/cmds/args.py (argparse help) @ "
        "94bc80e",
    ),
    ("rsync", ""): (
        _flags(
            """
            -0 -4 -6 -8 --8-bit-output -@ -A -a --acls --address --append --append-verify --archive
            --atimes -B -b --backup --backup-dir --block-size --blocking-io --bwlimit -C -c
            --checksum --checksum-choice --checksum-seed --chmod --chown --compare-dest --compress
            --compress-choice --compress-level --compress-threads --confine-root --contimeout
            --copy-as --copy-dest --copy-devices --copy-dirlinks --copy-links --copy-unsafe-links
            --crtimes --cvs-exclude -D -d --debug --del --delay-updates --delete --delete-after
            --delete-before --delete-delay --delete-during --delete-excluded --delete-missing-args
            --devices --dirs --drop-D --dry-run -E -e --early-input --exclude --exclude-from
            --executability --existing -F -f --fake-super --files-from --filter --force --from0
            --fsync --fuzzy -g --group --groupmap -H -h --hard-links --help --human-readable -I -i
            --i-r --iconv --ignore-errors --ignore-existing --ignore-missing-args
            --ignore-non-existing --ignore-times --inc-recursive --include --include-from --info
            --inplace --insecure-links --ipv4 --ipv6 --itemize-changes -J -K -k --keep-dirlinks -L
            -l --link-dest --links --list-only --log-file --log-file-format -M -m --max-alloc
            --max-delete --max-size --min-size --mkpath --modify-window --munge-links -N -n
            --no-i-r --no-implied-dirs --no-inc-recursive --no-motd --no-W --no-whole-file
            --numeric-ids -O -o --old-args --old-d --old-dirs --omit-dir-times --omit-link-times
            --one-file-system --only-write-batch --open-noatime --out-format --outbuf --owner -P -p
            --partial --partial-dir --password-file --perms --port --preallocate --progress
            --protocol --prune-empty-dirs -q --quiet -R -r --read-batch --recursive --relative
            --remote-option --remove-source-files --rsh --rsync-path -S -s --safe-links
            --secluded-args --size-only --skip-compress --sockopts --sparse --specials --stats
            --stderr --stop-after --stop-at --suffix --super -T -t --temp-dir --timeout --times
            --trust-sender -U -u --update --usermap -V -v --verbose --version -W --whole-file
            --write-batch --write-devices -X -x --xattrs -y -z
            """
        ),
        "github.com/RsyncProject/rsync rsync.1.md 'OPTION SUMMARY' (client options) @ 7c20b07",
    ),
    ("curl", ""): (
        _flags(
            """
            -# -0 -1 -2 -3 -4 -6 -: -A -a --abstract-unix-socket --alt-svc --anyauth --append
            --aws-sigv4 -B -b --basic -C -c --ca-native --cacert --capath --cert --cert-status
            --cert-type --ciphers --compressed --compressed-ssh --config --connect-timeout
            --connect-to --continue-at --cookie --cookie-jar --create-dirs --create-file-mode
            --crlf --crlfile --curves -D -d --data --data-ascii --data-binary --data-raw
            --data-urlencode --delegation --digest --disable --disable-eprt --disable-epsv
            --disallow-username-in-url --dns-interface --dns-ipv4-addr --dns-ipv6-addr
            --dns-servers --doh-cert-status --doh-insecure --doh-url --dump-ca-embed --dump-header
            -E -e --ech --egd-file --engine --etag-compare --etag-save --expect100-timeout -F -f
            --fail --fail-early --fail-with-body --false-start --follow --form --form-escape
            --form-string --ftp-account --ftp-alternative-to-user --ftp-create-dirs --ftp-method
            --ftp-pasv --ftp-port --ftp-pret --ftp-skip-pasv-ip --ftp-ssl-ccc --ftp-ssl-ccc-mode
            --ftp-ssl-control -G -g --get --globoff -H -h --happy-eyeballs-timeout-ms
            --haproxy-clientip --haproxy-protocol --head --header --help --hostpubmd5
            --hostpubsha256 --hsts --http0.9 --http1.0 --http1.1 --http2 --http2-prior-knowledge
            --http3 --http3-only --httpsig-algo --httpsig-headers --httpsig-key --httpsig-keyid -I
            -i --ignore-content-length --insecure --interface --ip-tos --ipfs-gateway --ipv4 --ipv6
            -J -j --json --junk-session-cookies -K -k --keepalive-cnt --keepalive-time --key
            --key-type --knownhosts --krb -L -l --libcurl --limit-rate --list-only --local-port
            --location --location-trusted --login-options -M -m --mail-auth --mail-from --mail-rcpt
            --mail-rcpt-allowfails --manual --max-filesize --max-redirs --max-time --metalink
            --mptcp -N -n --negotiate --netrc --netrc-file --netrc-optional --next --no-alpn
            --no-buffer --no-clobber --no-keepalive --no-npn --no-progress-meter --no-sessionid
            --noproxy --ntlm --ntlm-wb -O -o --oauth2-bearer --out-null --output --output-dir -P -p
            --parallel --parallel-immediate --parallel-max --parallel-max-host --pass --path-as-is
            --pinnedpubkey --post301 --post302 --post303 --preproxy --progress-bar --proto
            --proto-default --proto-redir --proxy --proxy-anyauth --proxy-basic --proxy-ca-native
            --proxy-cacert --proxy-capath --proxy-cert --proxy-cert-type --proxy-ciphers
            --proxy-crlfile --proxy-digest --proxy-header --proxy-http2 --proxy-http3
            --proxy-insecure --proxy-key --proxy-key-type --proxy-negotiate --proxy-ntlm
            --proxy-pass --proxy-pinnedpubkey --proxy-service-name --proxy-ssl-allow-beast
            --proxy-ssl-auto-client-cert --proxy-tls13-ciphers --proxy-tlsauthtype
            --proxy-tlspassword --proxy-tlsuser --proxy-tlsv1 --proxy-user --proxy1.0 --proxytunnel
            --pubkey -Q -q --quote -R -r --random-file --range --rate --raw --referer
            --remote-header-name --remote-name --remote-name-all --remote-time --remove-on-error
            --request --request-target --resolve --retry --retry-all-errors --retry-connrefused
            --retry-delay --retry-max-time -S -s --sasl-authzid --sasl-ir --service-name
            --show-error --show-headers --sigalgs --silent --skip-existing --socks4 --socks4a
            --socks5 --socks5-basic --socks5-gssapi --socks5-gssapi-nec --socks5-gssapi-service
            --socks5-hostname --speed-limit --speed-time --ssl --ssl-allow-beast
            --ssl-auto-client-cert --ssl-no-revoke --ssl-reqd --ssl-revoke-best-effort
            --ssl-sessions --sslv2 --sslv3 --stderr --styled-output --suppress-connect-headers -T
            -t --tcp-fastopen --tcp-nodelay --telnet-option --tftp-blksize --tftp-no-options
            --time-cond --tls-earlydata --tls-max --tls13-ciphers --tlsauthtype --tlspassword
            --tlsuser --tlsv1 --tlsv1.0 --tlsv1.1 --tlsv1.2 --tlsv1.3 --tr-encoding --trace
            --trace-ascii --trace-config --trace-ids --trace-time -U -u --unix-socket --upload-file
            --upload-flags --url --url-query --use-ascii --user --user-agent -V -v --variable
            --verbose --version --vlan-priority -w --write-out -X -x --xattr -Y -y -Z -z
            """
        ),
        "github.com/curl/curl docs/cmdline-opts/*.md ('Long:'/'Short:' of each) @ 5c61e16",
    ),
}
