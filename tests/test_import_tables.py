"""planner import of tabular exports: CSV and XLSX, UTF-16, thousands separators; Azure
Migrate, Migration Hub, Migration Factory and RVTools, each in the shape its vendor
documents (the source is named in each test), and a clear "not this format" for the rest."""

import re
from pathlib import Path

import openpyxl
import pytest

from planner import pipeline
from planner.errors import InputError
from planner.importers.detect import load
from planner.importers.files import import_files
from planner.importers.reading import norm, parse_number
from planner.importers.writer import render
from planner.inputs import loader
from planner.verify import verify

FIX = Path(__file__).parent / "fixtures" / "import" / "tables"

# RVTools 4.x vInfo header, in the order of a real export (github.com/Yoobuu/Kylow,
# vmware_rvtools_exporter/out/compare/report.md, sheet vInfo), trimmed to the columns read
# and a few around them.
VINFO = ["VM", "Powerstate", "Template", "SRM Placeholder", "Config status", "DNS Name",
         "Connection state", "Guest state", "CPUs", "Memory", "Active Memory", "NICs",
         "Disks", "Total disk capacity MiB", "Primary IP Address", "Resource pool", "Folder",
         "Provisioned MiB", "In Use MiB", "Unshared MiB", "Firmware", "Annotation",
         "Datacenter", "Cluster", "Host", "OS according to the configuration file",
         "OS according to the VMware Tools", "VM ID", "VM UUID"]


def vm(name, power="poweredOn", template=False, cpus=4, mem_mib=16384, disk_mib=102400,
       folder="Web", placeholder=False):
    return [name, power, template, placeholder, "green", f"{name}.corp.local", "connected",
            "running", cpus, mem_mib, 1024, 1, 1, disk_mib, "10.0.0.1", "Resources", folder,
            disk_mib + 8192, disk_mib // 2, disk_mib // 2, "efi", None, "DC1", "Prod",
            "esx01.corp.local", "Ubuntu Linux (64-bit)", "Ubuntu Linux (64-bit)",
            f"vm-{name}", f"uuid-{name}"]


def workbook(path, sheets):
    """An .xlsx with `sheets` ({name: rows}), as openpyxl writes it."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def rvtools_workbook(path):
    vinfo = [VINFO] + [vm(f"web-{i:02}") for i in range(1, 7)] + [
        vm("db-01", cpus=16, mem_mib=131072, disk_mib=1048576, folder="DB"),
        vm("db-02", cpus=16, mem_mib=131072, disk_mib=1048576, folder="DB"),
        vm("web-99", power="poweredOff"), vm("web-98", power="suspended"),
        vm("tpl-rhel9", power="poweredOff", template=True),
        vm("web-07", placeholder=True)]
    # RVTools puts vInfo first, but a workbook saved again may not: it is found by name.
    return workbook(path, {"vCPU": [["VM", "Powerstate", "Template", "CPUs", "Sockets"]],
                           "vInfo": vinfo, "vHost": [["Host", "Datacenter", "Cluster"]]})


def shapes(result):
    return sorted((s.name, s.vcpu, s.ram_gb) for s in result.servers)


def error_of(path, fmt=None):
    with pytest.raises(InputError) as caught:
        import_files([path], fmt)
    message = str(caught.value)
    assert str(path) in message and "\n" not in message and "Traceback" not in message
    return message


# --- headers, numbers, encodings --------------------------------------------------------------

def test_norm_drops_azures_required_marker():
    assert norm(" *Memory (In MB) ") == "memory (in mb)" and norm("\ufeff*Server name") == (
        "server name")


@pytest.mark.parametrize("raw, value", [
    ("16384", 16384), ("16,384", 16384), ("16 384", 16384), ("16\u00a0384", 16384),
    ("1,048,576", 1048576), ("1,234.5", 1234.5), ("1.234,5", 1234.5), ("2,5", 2.5),
    ("0.5", 0.5), ("12005.376", 12005.376), ("16,38", 16.38),
    # de-DE Excel groups with dots: RVTools 3.x "Provisioned MB" 1219776 of
    # github.com/mjvincent/rvtools-to-ibm-cloud, samples/SizingWorkshop-RVTools.xlsx (vInfo,
    # row 9) saved as CSV in that locale; two dots can only be thousands
    ("1.219.776", 1219776), ("-1.048.576,5", -1048576.5)])
def test_numbers_as_exports_write_them(raw, value):
    assert parse_number(raw) == value


@pytest.mark.parametrize("raw", ["abc", "1,5,7", "4 cores", "", "16,384,5", "--1", "1.21.776",
                                 "1.219.776.5"])
def test_garbage_numbers_are_refused(raw):
    with pytest.raises(ValueError):
        parse_number(raw)


def test_garbage_in_a_number_column_is_one_clear_error(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("*Server name,*Cores,*Memory (In MB),*OS name\nvm1,four,4096,Linux\n")
    assert re.search(r"bad\.csv:2: cores: Cores must be a number \(got 'four'\)",
                     error_of(path))


PS_CSV = ('"Server name","Cores","Memory (In MB)","OS name"\r\n'
          '"app-01","4","16384","Windows Server 2019"\r\n'
          '"app-02","2","8192","Windows Server 2016"\r\n')


@pytest.mark.parametrize("encoding, bom", [
    ("utf-16-le", b"\xff\xfe"),   # Windows PowerShell 5 Export-Csv -Encoding Unicode, Out-File
    ("utf-16-be", b"\xfe\xff"),
    ("utf-16-le", b""),           # no BOM: told by the NUL bytes
    ("utf-16-be", b""),
    ("utf-8", b"\xef\xbb\xbf"),   # PowerShell 7 -Encoding utf8BOM, Excel "CSV UTF-8"
])
def test_utf16_and_utf8_bom_are_decoded(tmp_path, encoding, bom):
    path = tmp_path / "servers.csv"
    path.write_bytes(bom + PS_CSV.encode(encoding))
    result = import_files([path])
    assert shapes(result) == [("app-01", 4, 16), ("app-02", 2, 8)]


def test_binary_files_are_refused_clearly(tmp_path):
    png = tmp_path / "shot.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)))
    assert "not UTF-8 or UTF-16 text, nor an .xlsx workbook" in error_of(png)
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    assert "old Excel .xls workbook" in error_of(xls)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    assert "damaged ZIP or .xlsx" in error_of(broken)


# --- Azure Migrate ------------------------------------------------------------------------------

def test_azure_migrate_template_with_asterisks():
    """The import template's header as Azure Migrate's "Download" gives it: required columns
    marked `*` (learn.microsoft.com, tutorial-discover-import, "Prepare the CSV"; the column
    list as github.com/lrivallain/rvtools2azmigrate azmigrate_vm.py writes it). Memory
    "16,384" has a thousands separator, as Excel writes it when the cell is formatted."""
    result = import_files([FIX / "azure-migrate-template.csv"])
    assert load(FIX / "azure-migrate-template.csv").fmt == "azure-migrate"
    assert sorted((s.name, s.vcpu, s.ram_gb, s.disk_gb) for s in result.servers) == [
        ("sql01.contoso.local", 8, 64, 1536), ("web01.contoso.local", 4, 16, 128),
        ("web02.contoso.local", 4, 16, 128)]
    assert result.provider is None


def test_azure_migrate_discovery_export_skips_powered_off():
    """The discovered-servers report's columns (Machine Name, Operating System, Cores,
    Memory (in MB), Power Stats, Machine ID) as github.com/Azure/azure-migrate-export
    src/Common/DiscoveryReportConstants.cs lists them; power status as the API gives it
    (ON/OFF)."""
    result = import_files([FIX / "azure-migrate-discovery.csv"])
    assert shapes(result) == [("app-01", 4, 8), ("app-02", 4, 8)]
    assert result.skipped == [(f"{FIX / 'azure-migrate-discovery.csv'}: line 4: old-app-03",
                               "power state OFF: not running today")]


def test_azure_migrate_assessment_sheet_in_a_workbook(tmp_path):
    """An assessment workbook: a summary sheet first, then the machines with the columns of
    Azure Migrate Export's assessed-machines sheets (Machine Name, Recommended VM Size, Cores,
    Memory (in MB), Storage (in GB); CoreReportConstants.cs)."""
    path = workbook(tmp_path / "assessment.xlsx", {
        "Properties": [["Tenant ID", "Subscription"], ["t", "s"]],
        "All_Assessed_Machines": [
            ["Machine Name", "Environment", "Azure VM Readiness", "Recommended VM Size",
             "Operating System", "Cores", "Memory (in MB)", "Storage (in GB)", "Machine ID"],
            ["erp-01", "VMware", "Ready", "Standard_D4s_v5", "Windows Server 2019", 4, 16384,
             256, "m-1"],
            ["erp-02", "VMware", "Ready", "Standard_D4s_v5", "Windows Server 2019", 4, 16384,
             256, "m-2"]]})
    loaded = load(path)
    assert (loaded.fmt, loaded.data.sheet) == ("azure-migrate", "All_Assessed_Machines")
    result = import_files([path])
    assert sorted((s.name, s.vcpu, s.ram_gb, s.disk_gb) for s in result.servers) == [
        ("erp-01", 4, 16, 256), ("erp-02", 4, 16, 256)]
    assert any("Standard_D4s_v5" in n for n in result.servers[0].notes)


def test_azure_migrate_export_core_report_takes_the_sheet_of_every_machine(tmp_path):
    """Azure Migrate Export's Core report (github.com/Azure/azure-migrate-export,
    documentation/Sample/Core-Report/AzureMigrate_Assessment_Core_Report.xlsx) has a sheet
    of the 21 SQL servers (SQL_IaaS_Server_Rehost_Perf) before the one of all 294 VMs
    (All_VM_IaaS_Server_Rehost_Perf); its Opportunity report has a header-only
    VM_Opportunity_Perf before AVS_IaaS_Rehost_Perf. The first recognised sheet used to be
    taken: 21 servers, or "no servers to import". Rows trimmed from the samples."""
    head = ["Machine Name", "Environment", "Azure VM Readiness", "Recommended VM Size",
            "Operating System", "Cores", "Memory (in MB)", "Storage (in GB)", "Machine ID"]
    path = workbook(tmp_path / "AzureMigrate_Assessment_Core_Report.xlsx", {
        "Properties": [["Tenant ID", "Subscription", "Workflow"],
                       ["72f988bf", "Azure Migrate Test2", "Custom - Assessment"]],
        "VM_Opportunity_Perf": [head],
        "SQL_IaaS_Server_Rehost_Perf": [
            head, ["Prasanna-VM", "Dev", "Ready", "Standard_D2as_v4",
                   "Microsoft Windows Server 2019 Standard", 2, 8192, 100, "m-1"]],
        "All_VM_IaaS_Server_Rehost_Perf": [
            head,
            ["SQLAGVM09", "Dev", "Ready", "Standard_D2as_v5",
             "Microsoft Windows Server 2019 Standard", 2, 4096, 100, "m-0"],
            ["Prasanna-VM", "Dev", "Ready", "Standard_F1s",
             "Microsoft Windows Server 2019 Standard", 2, 8192, 100, "m-1"],
            ["DEVSQLVM12", "Prod", "Ready", "Standard_A2_v2",
             "Microsoft Windows Server 2008 R2 Standard ", 2, 4096, 100, "m-2"]],
        "Decommissioned_Machines": [["Machine Name", "Machine ID"]]})
    assert load(path).data.sheet == "All_VM_IaaS_Server_Rehost_Perf"
    assert shapes(import_files([path])) == [("DEVSQLVM12", 2, 4), ("Prasanna-VM", 2, 8),
                                            ("SQLAGVM09", 2, 4)]


# --- AWS ------------------------------------------------------------------------------------

def test_migration_hub_documented_example():
    """The field examples of AWS' import-template table (docs.aws.amazon.com
    application-discovery discovery-import.html; github.com/awsdocs/
    amazon-application-discovery-user-guide doc_source/discovery-import.md):
    CPU.NumberOfProcessors 4, CPU.NumberOfCores 8 ("the total number of physical cores"),
    CPU.NumberOfLogicalCores 16, Applications "Application2, Application3", Tags "zone:1,
    critical:yes", and an ExternalId-only record, which AWS accepts."""
    path = FIX / "migration-hub-import.csv"
    result = import_files([path])
    by_name = {s.name: s for s in result.servers}
    first, second = by_name["ip-1-2-3-4"], by_name["Corp1"]
    assert first.vcpu == 8   # the total of physical cores, not 4 x 8
    assert second.vcpu == 16 and second.ram_gb == 16   # logical cores; "16,384" MB
    assert first.ram_gb == pytest.approx(12000 / 1024)
    assert first.role == "Application2" and first.tags["application"] == "Application2"
    assert first.tags["applications"] == "Application2, Application3"
    assert any("Application3" in n for n in first.notes)
    assert (first.tags["zone"], first.tags["critical"], first.tags["wave"]) == ("1", "yes",
                                                                               "Wave 2")
    assert result.skipped == [(f"{path}: line 4: CMBD Id 3",
                               "no CPU nor RAM.TotalSizeInMB to size it (an identifier-only "
                               "record, which Migration Hub allows)")]
    assert result.provider is None


def test_migration_hub_recommendations_export():
    """The "Export recommendations" columns as AWS' Cloud Migration Factory reads them back
    (github.com/aws-solutions/cloud-migration-factory-on-aws, its EC2 recommendations import
    test): the server's own shape is used; the recommended model is a note."""
    path = FIX / "migration-hub-recommendations.csv"
    assert load(path).fmt == "aws-recommendations"
    result = import_files([path])
    assert [(s.name, s.vcpu, round(s.ram_gb, 3)) for s in result.servers] == [
        ("test.hostname.com", 16, 11.724), ("test2.hostname.com", 16, 11.724)]
    assert any("c6a.4xlarge" in n for n in result.servers[0].notes)
    assert not any("recommends" in n for n in result.servers[1].notes)
    assert result.servers[0].tags["application"] == "LinuxApp" and result.provider is None


def test_migration_factory_form_is_not_claimed_as_aws(tmp_path):
    """A Cloud Migration Factory intake form (header as in its documented template: wave_name,
    app_name, aws_accountid, aws_region, server_name, server_os_family, ..., instanceType,
    tenancy): on-premises servers to move INTO AWS. instanceType is the target size."""
    path = FIX / "migration-factory.csv"
    result = import_files([path])
    assert result.provider is None
    assert shapes(result) == [("ledger-app01", 2, 8), ("ledger-db01", 8, 64)]
    db = next(s for s in result.servers if s.name == "ledger-db01")
    assert db.role == "db" and db.tags == {"application": "Ledger", "wave": "Wave1",
                                           "environment": "prod"}
    assert any("target" in n and "AWS type table" in n for n in db.notes)
    assert result.skipped == [(f"{path}: line 4: ledger-batch01",
                               "no instanceType: the intake form gives no size for it")]
    text = render(result, "factory")
    assert re.search(r'provider: "current-provider"\s+# FILL IN', text)


# --- RVTools ------------------------------------------------------------------------------------

def test_rvtools_vinfo_csv_with_mb_headers_and_thousands():
    """An RVTools 3.x vInfo CSV export ("Provisioned MB", "Total disk capacity MB": MiB
    values under the old name), numbers with thousands separators; a powered-off VM and a
    template skipped with their reason."""
    path = FIX / "rvtools-vinfo.csv"
    assert load(path).fmt == "rvtools"
    result = import_files([path])
    assert sorted((s.name, s.vcpu, s.ram_gb, s.disk_gb) for s in result.servers) == [
        ("db-01", 8, 32, 512), ("web-01", 4, 8, 100), ("web-02", 4, 8, 100)]
    assert result.skipped == [
        (f"{path}: line 5: web-old", "Powerstate poweredOff: not running today"),
        (f"{path}: line 6: tpl-ubuntu", "a template, not a running VM")]
    assert result.servers[0].tags["folder"] == "Web"


def test_rvtools_workbook_picks_vinfo_and_skips_what_does_not_run(tmp_path):
    path = rvtools_workbook(tmp_path / "RVTools_export_all.xlsx")
    loaded = load(path)
    assert (loaded.fmt, loaded.data.sheet) == ("rvtools", "vInfo")
    result = import_files([path])
    assert len(result.servers) == 8
    assert {(s.vcpu, s.ram_gb, s.disk_gb) for s in result.servers} == {(4, 16, 100),
                                                                       (16, 128, 1024)}
    assert [why for _, why in result.skipped] == [
        "Powerstate poweredOff: not running today", "Powerstate suspended: not running today",
        "a template, not a running VM",
        "an SRM placeholder (the replica of a VM protected elsewhere)"]
    assert result.skipped[0][0] == f"{path}: vInfo row 10: web-99"


def test_rvtools_csvs_zipped_as_aws_asks(tmp_path):
    """Migration Hub asks for RVTools' "Export all to csv" folder as a ZIP: vInfo is read."""
    import zipfile
    path = tmp_path / "rvtools.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("RVTools_export_all/RVTools_tabvCPU.csv", "VM,Powerstate,CPUs\nx,on,1\n")
        archive.writestr("RVTools_export_all/RVTools_tabvInfo.csv",
                         (FIX / "rvtools-vinfo.csv").read_text())
    assert len(import_files([path]).servers) == 3


def test_rvtools_plans_end_to_end(tmp_path):
    result = import_files([rvtools_workbook(tmp_path / "rvtools.xlsx")])
    text = render(result, "vmware-exit")
    assert "FILL IN" in text
    out = tmp_path / "inventory.yaml"
    out.write_text(text)
    assert loader.validate_file(out) == "inventory"
    inventory = loader.load_inventory(out)
    assert sum(g.count for g in inventory.groups) == 8
    assert {(g.vcpu, g.ram_gb, g.disk_gb) for g in inventory.groups} == {(4, 16, 100),
                                                                          (16, 128, 1024)}
    catalog = loader.load_catalog(loader.shipped_catalog_paths())
    plan = pipeline.plan(inventory, catalog).plan
    assert verify(plan) == []


# --- not this format ------------------------------------------------------------------------

@pytest.mark.parametrize("body, expected", [
    ("colour,size\nred,2\n", r":1: cannot tell the format from the header \(colour, size\)"),
    # RVTools' vCPU tab alone: no Memory column, so not a vInfo table
    ("VM,Powerstate,Template,CPUs,Sockets\nweb-01,poweredOn,False,4,1\n",
     r":1: cannot tell the format.*expected RVTools vInfo \(VM, Powerstate, CPUs, Memory\)"),
    # a Google Migration Center vmInfo template
    ("MachineId,MachineName,PrimaryIPAddress,AllocatedProcessorCoreCount,MemoryMiB\n"
     "vm-1,shop-web01,10.0.0.4,4,16384\n", r":1: cannot tell the format"),
])
def test_other_tables_get_one_clear_not_this_format_line(tmp_path, body, expected):
    path = tmp_path / "other.csv"
    path.write_text(body)
    assert re.search(expected, error_of(path))


def test_an_ipam_export_with_name_and_type_is_not_the_plain_csv():
    """An Infoblox-like IPAM export (github.com/spiral023/rvtools-analyzer,
    referenzdaten/ipam.csv; header and first rows) has Name and Type columns, which were
    taken for the plain CSV's name and instance type: "line 2: empty name"."""
    assert re.search(r"ipam-export.csv:1: cannot tell the format from the header "
                     r"\(IP Address, Name, MAC Address", error_of(FIX / "ipam-export.csv"))


def test_a_workbook_of_another_format_names_its_sheet(tmp_path):
    path = workbook(tmp_path / "budget.xlsx", {"Budget": [["Item", "Cost"], ["laptops", 10]]})
    assert re.search(r"sheet 'Budget': cannot tell the format from the header \(Item, Cost\)",
                     error_of(path))
    assert "a workbook, not the JSON" in error_of(path, "aws-ec2")


def test_rvtools_3x_vinfo_saved_by_a_german_excel():
    """RVTools 3.x vInfo ("Provisioned MB") of github.com/mjvincent/rvtools-to-ibm-cloud,
    samples/SizingWorkshop-RVTools.xlsx, rows 2, 3 and 8, saved as CSV by a de-DE Excel:
    `sep=;`, a BOM, dots grouping thousands. `16.384` MiB was read as sixteen (a 0.016 GB
    server) and `1.219.776` was refused."""
    result = import_files([FIX / "rvtools-vinfo-de.csv"])
    assert sorted((s.name, s.vcpu, s.ram_gb, round(s.disk_gb)) for s in result.servers) == [
        ("wadfs1", 1, 4, 84), ("wowas1", 6, 16, 136), ("wspapp11", 8, 32, 1191)]


def test_excel_sep_line_and_semicolons(tmp_path):
    """Excel in a decimal-comma locale writes `;` between fields, and may start with `sep=;`."""
    path = tmp_path / "vinfo.csv"
    path.write_text("sep=;\nVM;Powerstate;Template;CPUs;Memory;Provisioned MiB\n"
                    "app-01;poweredOn;False;2;4 096;20 480\nx;poweredOff;False;1;1024;1024\n")
    result = import_files([path])
    assert [(s.name, s.vcpu, s.ram_gb, s.disk_gb) for s in result.servers] == [
        ("app-01", 2, 4, 20)]
    assert result.skipped[0][0].endswith("line 4: x")
