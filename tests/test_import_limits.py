"""planctl import on hostile and oddly encoded files: refused early and clearly, or read right.

The hostile files are built here, byte by byte where it matters (raw zip members),
and planctl runs in a real process under a memory cap, as a user would meet it.
"""

from __future__ import annotations

import csv
import io
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from planctl.core.errors import UsageError
from planctl.core.importing.limits import (
    MAX_ACTIONS,
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_CSV_BYTES,
    MAX_LEADS,
    MAX_ROWS,
    MAX_XLSX_BYTES,
    MAX_XLSX_PARTS,
)
from planctl.store.importer.zipguard import check_zip, directory_size

MEMORY_CAP = 500 * 2**20

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>")
ROOT_RELS = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">'
             f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
             "</Relationships>")
WORKBOOK = (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
            '<sheets><sheet name="Plan" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">'
                 f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
                 "</Relationships>")
HEADER_ROW = ('<row r="1"><c r="A1" t="inlineStr"><is><t>Action</t></is></c>'
              '<c r="B1" t="inlineStr"><is><t>Lead</t></is></c></row>'
              '<row r="2"><c r="A2" t="inlineStr"><is><t>Audit files</t></is></c>'
              '<c r="B2" t="inlineStr"><is><t>HoS</t></is></c></row>')


def sheet_xml(data: str, dimension: str | None = None, prolog: str = "") -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="{MAIN}">{dim}'
            f"<sheetData>{data}</sheetData></worksheet>")


def write_workbook(path: Path, sheet) -> Path:
    """A minimal .xlsx written member by member; `sheet` is text, or a function writing bytes."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", CONTENT_TYPES)
        book.writestr("_rels/.rels", ROOT_RELS)
        book.writestr("xl/workbook.xml", WORKBOOK)
        book.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        if callable(sheet):
            with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
                sheet(member)
        else:
            book.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def patch_directory(path: Path, offset: int, value: bytes) -> None:
    """Overwrite a field of the sheet's entry in the zip's central directory."""
    data = bytearray(path.read_bytes())
    entry = data.rindex(b"PK\x01\x02", 0, data.rindex(b"xl/worksheets/sheet1.xml"))
    data[entry + offset:entry + offset + len(value)] = value
    path.write_bytes(bytes(data))


def bomb(megabytes: int):
    """A sheet of empty rows that inflates to `megabytes` MB, written in 1 MB pieces."""
    opening, closing = sheet_xml("@").split("@")

    def write(member):
        member.write(opening.encode())
        piece = b"<row/>" * (2**20 // 6)
        for _ in range(megabytes):
            member.write(piece)
        member.write(closing.encode())

    return write


def limited():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def planctl(*args: str, cwd: Path, timeout: int = 120) -> subprocess.CompletedProcess:
    """planctl in its own process with at most 500 MB of address space (and a hang guard)."""
    return subprocess.run([sys.executable, "-m", "planctl", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, preexec_fn=limited, stdin=subprocess.DEVNULL)


def refused(result: subprocess.CompletedProcess, *words: str) -> str:
    """The one line of a refusal, with its exit code 2; it must contain each of `words`."""
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr[-2000:]
    (line,) = lines
    assert line.startswith("planctl: error: ")
    assert "internal error" not in line and "Traceback" not in result.stderr
    for word in words:
        assert word in line, line
    assert result.stdout == ""
    return line


def import_refused(tmp_path: Path, source: Path, *words: str) -> str:
    result = planctl("import", str(source), "-o", "plans/new.yaml", "--today", "9.10.12", cwd=tmp_path)
    line = refused(result, *words)
    assert not (tmp_path / "plans" / "new.yaml").exists()
    return line


# -- item 4: limits ---------------------------------------------------------------------------


@pytest.mark.slow
def test_a_small_workbook_declaring_the_last_cell_is_refused(tmp_path):
    source = write_workbook(tmp_path / "plan.xlsx", sheet_xml(HEADER_ROW, dimension="A1:XFD1048576"))
    assert source.stat().st_size < 2000
    line = import_refused(tmp_path, source, "rows", f"{MAX_ROWS:,}", "columns", "A1:XFD1048576")
    assert "1,048,576" in line


@pytest.mark.slow
@pytest.mark.parametrize("cell, limit", [
    ('<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>', "rows"),
    ('<row r="1048576"><c r="A1048576"><v>1</v></c></row>', "rows"),
    ('<row r="3"><c r="XFD3"><v>1</v></c></row>', "columns"),
    ('<row r="3">' + '<c><v>1</v></c>' * (MAX_COLUMNS + 1) + "</row>", "columns"),
])
def test_cells_written_far_away_are_refused_whatever_the_sheet_declares(tmp_path, cell, limit):
    # The dimension says A1:B2: the cells as written count, not what the sheet declares.
    source = write_workbook(tmp_path / "plan.xlsx", sheet_xml(HEADER_ROW + cell, dimension="A1:B2"))
    import_refused(tmp_path, source, limit, f"{MAX_ROWS:,}" if limit == "rows" else f"{MAX_COLUMNS}")


@pytest.mark.slow
def test_a_decompression_bomb_is_refused_from_the_zip_directory(tmp_path):
    source = write_workbook(tmp_path / "bomb.xlsx", bomb(1024))  # 1 GB of XML in ~1.5 MB
    assert source.stat().st_size < 4 * 2**20
    import_refused(tmp_path, source, "uncompressed size", f"{MAX_XLSX_BYTES // 2**20} MB", "1,024")


@pytest.mark.slow
def test_a_small_bomb_is_refused_by_its_compression_ratio(tmp_path):
    source = write_workbook(tmp_path / "bomb.xlsx", bomb(4))  # under the size limit, 600:1
    import_refused(tmp_path, source, "uncompressed size", "times its packed size")


@pytest.mark.slow
def test_a_sheet_of_many_rows_under_the_size_limits_is_refused_by_rows(tmp_path):
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(3, MAX_ROWS + 10))
    source = write_workbook(tmp_path / "plan.xlsx", sheet_xml(HEADER_ROW + rows))
    import_refused(tmp_path, source, "rows", f"{MAX_ROWS:,}")


@pytest.mark.slow
def test_an_enormous_cell_in_a_workbook_is_refused(tmp_path):
    cell = f'<row r="3"><c r="A3" t="inlineStr"><is><t>{"x" * (MAX_CELL_CHARS + 1)}</t></is></c></row>'
    source = write_workbook(tmp_path / "plan.xlsx", sheet_xml(HEADER_ROW + cell))
    import_refused(tmp_path, source, f"{MAX_CELL_CHARS:,} characters")


@pytest.mark.slow
def test_a_million_row_csv_is_refused_naming_the_row(tmp_path):
    source = tmp_path / "plan.csv"
    source.write_bytes(b"Action,Lead\n" + b"a,b\n" * 1_000_000)  # 4 MB: under the size limit
    import_refused(tmp_path, source, "rows", f"{MAX_ROWS:,}", f"plan.csv:{MAX_ROWS + 1}:")


@pytest.mark.slow
def test_a_csv_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    source = tmp_path / "plan.csv"
    source.write_bytes(b"Action,Lead\n" + b"Audit the case files of last year,Head of Service\n" * 300_000)
    import_refused(tmp_path, source, "file size", f"{MAX_CSV_BYTES // 2**20} MB")


@pytest.mark.slow
def test_a_very_wide_csv_is_refused_naming_the_column(tmp_path):
    source = tmp_path / "plan.csv"
    source.write_text("Action,Lead\n" + ",".join(f"c{i}" for i in range(100_000)) + "\n", encoding="utf-8")
    import_refused(tmp_path, source, "columns", f"{MAX_COLUMNS}", "plan.csv:2:")


def test_empty_cells_past_the_column_limit_are_only_a_wide_range_saved_as_csv(run, tmp_path):
    source = tmp_path / "plan.csv"
    source.write_text("Action,Lead" + "," * 300 + "\nAudit files,HoS" + "," * 300 + "\n", encoding="utf-8")
    result = run("import", str(source), "--today", "9.10.12")
    assert result.exit_code == 0, result.stderr
    assert "text: Audit files" in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("body", ['1,"' + "x" * 5_000_000 + '",HoS\n',
                                  '1,"a quote left open,HoS\n' + "2,Audit,HoS\n" * 100_000])
def test_an_enormous_csv_cell_is_refused_where_it_starts(tmp_path, body):
    source = tmp_path / "plan.csv"
    source.write_text("No,Action,Lead\n" + body, encoding="utf-8")
    import_refused(tmp_path, source, f"{MAX_CELL_CHARS:,} characters", "plan.csv:2:")


BILLION_LAUGHS = ('<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
                  '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>')


@pytest.mark.slow
@pytest.mark.parametrize("name, sheet, detail", [
    ("undefined entity", sheet_xml(HEADER_ROW.replace("HoS", "&nbsp;")), "undefined entity"),
    ("entity expansion", sheet_xml(HEADER_ROW.replace("HoS", "&c;"), prolog=BILLION_LAUGHS),
     "entities"),
    ("bad XML", sheet_xml(HEADER_ROW)[:-12], "bad XML"),
    ("nested", sheet_xml(HEADER_ROW + "<x>" * 5000 + "</x>" * 5000), "nested"),
])
def test_xml_the_parser_rejects_is_cannot_read_workbook(tmp_path, name, sheet, detail):
    source = write_workbook(tmp_path / "plan.xlsx", sheet)
    import_refused(tmp_path, source, "cannot read workbook: plan.xlsx", detail)


def end_record(data: bytes) -> int:
    return data.rindex(b"PK\x05\x06")


def test_the_directory_size_comes_from_the_end_record_after_any_comment(tmp_path):
    source = write_workbook(tmp_path / "plan.xlsx", sheet_xml(HEADER_ROW))
    data = source.read_bytes()
    written = int.from_bytes(data[end_record(data) + 12:end_record(data) + 16], "little")
    assert directory_size(io.BytesIO(data)) == written
    with zipfile.ZipFile(source, "a") as book:
        book.comment = b"a comment" * 7000  # near the longest a zip allows
    assert directory_size(io.BytesIO(source.read_bytes())) == written
    check_zip(source)
    assert directory_size(io.BytesIO(b"PK\x03\x04 and then not a zip at all")) is None
    assert directory_size(io.BytesIO(b"PK")) is None


def test_a_directory_too_large_for_the_parts_limit_is_refused_before_it_is_listed(tmp_path):
    source = write_workbook(tmp_path / "plan.xlsx", sheet_xml(HEADER_ROW))
    data = bytearray(source.read_bytes())
    at = end_record(data)
    data[at + 12:at + 16] = (MAX_XLSX_PARTS * 512 + 1).to_bytes(4, "little")
    source.write_bytes(bytes(data))
    with pytest.raises(UsageError, match=f"more than {MAX_XLSX_PARTS:,} parts"):
        check_zip(source)
    # A zip64 end record, found through its locator just before the end record, has the say.
    source = write_workbook(tmp_path / "plan64.xlsx", sheet_xml(HEADER_ROW))
    data = source.read_bytes()
    at = end_record(data)
    size = MAX_XLSX_PARTS * 512 + 1
    record = b"PK\x06\x06" + (44).to_bytes(8, "little") + bytes(12) + bytes(16) \
        + size.to_bytes(8, "little") + bytes(8)
    locator = b"PK\x06\x07" + bytes(4) + at.to_bytes(8, "little") + (1).to_bytes(4, "little")
    source.write_bytes(data[:at] + record + locator + data[at:])
    assert directory_size(io.BytesIO(source.read_bytes())) == size
    with pytest.raises(UsageError, match=f"more than {MAX_XLSX_PARTS:,} parts"):
        check_zip(source)


@pytest.mark.slow
def test_files_that_are_not_workbooks_are_cannot_read_workbook(tmp_path):
    (tmp_path / "notzip.xlsx").write_bytes(b"PK\x03\x04 and then not a zip at all")
    import_refused(tmp_path, tmp_path / "notzip.xlsx", "cannot read workbook", "not a zip")
    # Excel keeps a password-protected workbook in an OLE compound file, not a zip.
    (tmp_path / "secret.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024)
    import_refused(tmp_path, tmp_path / "secret.xlsx", "cannot read workbook", "password")
    zipped = write_workbook(tmp_path / "zipcrypt.xlsx", sheet_xml(HEADER_ROW))
    patch_directory(zipped, 8, b"\x01\x00")  # the "encrypted" flag of a zip entry
    import_refused(tmp_path, zipped, "cannot read workbook", "encrypted")


@pytest.mark.slow
def test_a_part_that_lies_about_its_size_is_cannot_read_workbook(tmp_path):
    source = write_workbook(tmp_path / "plan.xlsx", sheet_xml(HEADER_ROW * 50))
    # Shrink the sheet's uncompressed size in the central directory: zipfile then stops
    # early and the checksum fails, so a directory cannot understate a bomb.
    patch_directory(source, 24, (100).to_bytes(4, "little"))
    import_refused(tmp_path, source, "cannot read workbook")


@pytest.mark.slow
def test_a_workbook_within_the_limits_still_imports(tmp_path):
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>Action {r}</t></is></c>'
                   f'<c r="B{r}" t="inlineStr"><is><t>HoS</t></is></c></row>' for r in range(3, 400))
    source = write_workbook(tmp_path / "plan.xlsx", sheet_xml(HEADER_ROW + rows, dimension="A1:B399"))
    result = planctl("import", str(source), "-o", "plans/new.yaml", "--today", "9.10.12", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "398 actions" in result.stderr
    plan = yaml.safe_load((tmp_path / "plans" / "new.yaml").read_text(encoding="utf-8"))
    assert plan["recommendations"][0]["actions"][-1]["text"] == "Action 399"


def write_rows(path: Path, rows) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


@pytest.mark.slow
def test_a_cell_split_into_more_actions_than_the_limit_is_refused(tmp_path):
    # Word-style cells: one action per line when the timescales line up, 16,000 per row here.
    lines = MAX_CELL_CHARS // 2
    rows = [["No", "Action", "Lead"]] + [
        [str(r), "\n".join(["a"] * lines), "\n".join(["b"] * lines)] for r in (1, 2)]
    import_refused(tmp_path, write_rows(tmp_path / "plan.csv", rows), "actions", f"{MAX_ACTIONS:,}",
                   "row 2")


@pytest.mark.slow
def test_a_lead_cell_with_thousands_of_names_is_refused(tmp_path):
    rows = [["No", "Action", "Lead"], ["1", "Audit", "; ".join(f"L{i}" for i in range(1000))]]
    import_refused(tmp_path, write_rows(tmp_path / "plan.csv", rows), "leads", f"more than {MAX_LEADS}",
                   "row 2")


@pytest.mark.slow
def test_a_shared_cell_copied_into_many_actions_is_refused_by_plan_size(tmp_path):
    # One 30,000-character timescale cell is copied into each of the row's 400 actions.
    rows = [["No", "Action", "Timescale", "Lead"]] + [
        [str(r), "\n".join(f"step {i}" for i in range(400)), "By 1.1.13 " + "x" * 30000,
         "\n".join(["HoS"] * 400)] for r in range(1, 4)]
    import_refused(tmp_path, write_rows(tmp_path / "plan.csv", rows), "plan size", "million characters")


@pytest.mark.slow
def test_a_long_progress_cell_does_not_backtrack(tmp_path):
    # The completion pattern used to backtrack for minutes over a long run of separators.
    rows = [["No", "Action", "Lead", "Progress"], ["1", "Audit", "HoS", "done" + ":" * 32000 + "("]]
    write_rows(tmp_path / "plan.csv", rows)
    result = planctl("import", "plan.csv", "--today", "9.10.12", cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    (action,) = yaml.safe_load(result.stdout)["recommendations"][0]["actions"]
    assert "status" not in action and action["progress"].startswith("done::")


# -- item 5: encodings ------------------------------------------------------------------------

TEXT = "Recruit \u201cfoster\u201d carers \u2013 budget \u00a35,000 for the caf\u00e9\u2019s room"
ROWS = [["No", "Action", "Lead"], ["1", TEXT, "Zo\u00eb Smith"]]


def encoded(rows, encoding: str, delimiter: str) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)  # quotes "5,000" as Excel does
    text = out.getvalue()
    if encoding == "utf-16-le-bom":  # Excel's "Unicode text": UTF-16 LE with a BOM, tabs
        return b"\xff\xfe" + text.encode("utf-16-le")
    if encoding == "utf-16-be-bom":
        return b"\xfe\xff" + text.encode("utf-16-be")
    return text.encode(encoding)


@pytest.mark.parametrize("encoding, delimiter", [
    ("utf-8", ","), ("utf-8-sig", ","), ("utf-16-le-bom", "\t"), ("utf-16-be-bom", "\t"),
    ("cp1252", ","), ("cp1252", ";"),
])
def test_each_encoding_imports_its_characters_exactly(run, tmp_path, encoding, delimiter):
    source = tmp_path / "plan.csv"
    source.write_bytes(encoded(ROWS, encoding, delimiter))
    result = run("import", str(source), "--today", "9.10.12")
    assert result.exit_code == 0, result.stderr
    plan = yaml.safe_load(result.stdout)
    (action,) = plan["recommendations"][0]["actions"]
    assert action["text"] == TEXT
    assert list(plan["leads"].values()) == ["Zo\u00eb Smith"]
    assert "\x00" not in result.stdout
    said = [line for line in result.stderr.splitlines() if "Windows-1252" in line]
    assert len(said) == (1 if encoding == "cp1252" else 0), result.stderr


def test_a_utf8_file_with_one_windows_1252_line_is_refused_at_that_line(run, tmp_path):
    source = tmp_path / "plan.csv"
    source.write_bytes("No,Action,Lead\r\n1,Caf\u00e9 room,HoS\r\n".encode("utf-8")
                       + b"2,Budget \x96 agreed,HoS\r\n3,More \xe2\x80\x93 text,HoS\r\n")
    result = run("import", str(source), "--today", "9.10.12")
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("planctl: error: plan.csv:3:10: ")
    assert "96" in line and "--encoding" in line
    assert result.stdout == ""
    # Said by the user, the same file is read as Windows-1252 throughout: their call.
    stated = run("import", str(source), "--today", "9.10.12", "--encoding", "cp1252")
    assert stated.exit_code == 0, stated.stderr
    assert "Budget \u2013 agreed" in stated.stdout and "Caf\u00c3\u00a9 room" in stated.stdout


def test_nul_bytes_without_a_declared_encoding_are_refused(run, tmp_path):
    source = tmp_path / "plan.csv"
    source.write_bytes("\r\n".join("\t".join(r) for r in ROWS).encode("utf-16-le"))  # no BOM
    result = run("import", str(source), "--today", "9.10.12")
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert "NUL" in line and "--encoding" in line
    assert result.stdout == ""
    unsure = run("import", str(source), "--encoding", "utf-16")
    assert unsure.exit_code == 2 and "utf-16-le" in unsure.stderr
    stated = run("import", str(source), "--today", "9.10.12", "--encoding", "utf-16-le")
    assert stated.exit_code == 0, stated.stderr
    assert yaml.safe_load(stated.stdout)["recommendations"][0]["actions"][0]["text"] == TEXT


def test_a_windows_1252_byte_that_has_no_character_is_refused(run, tmp_path):
    source = tmp_path / "plan.csv"
    source.write_bytes(b"No,Action,Lead\r\n1,Caf\xe9 \x81 room,HoS\r\n")  # 0x81 is unassigned
    result = run("import", str(source), "--today", "9.10.12")
    assert result.exit_code == 2
    assert "plan.csv:2:" in result.stderr and "81" in result.stderr


def test_the_encoding_option_is_documented_in_help(run):
    result = run("import", "--help")
    assert "--encoding" in result.stdout and "cp1252" in result.stdout


# -- sweep: what became YAML keys ---------------------------------------------------------


def test_leads_named_like_numbers_booleans_or_dates_import(run, tmp_path):
    source = tmp_path / "plan.csv"
    source.write_text("No,Action,Lead\n1,Audit,2024\n2,Train,No\n3,Report,2012-10-27\n", encoding="utf-8")
    result = run("import", str(source), "-o", "plans/p.yaml", "--today", "9.10.12")
    assert result.exit_code == 0, result.stderr
    plan = yaml.safe_load((tmp_path / "plans" / "p.yaml").read_text(encoding="utf-8"))
    assert sorted(plan["leads"].values()) == ["2012-10-27", "2024", "No"]
    assert all(isinstance(key, str) for key in plan["leads"])
    assert run("check").exit_code == 0
