"""The batch database on a real SQLite file: one transaction per document, stable exports that open in Excel,
reviewers' corrections stored beside what was extracted."""

import ast
import csv
import json
import sqlite3
from pathlib import Path

import openpyxl
import pytest

import docextract.store
from docextract.model import DocumentError, DocumentResult, Finding, FormRecord, Provenance
from docextract.output import record_json
from docextract.review.correct import correct_form
from docextract.review.fields import MAX_TEXT_CHARS, FieldError
from docextract.store import StoreError, manifest_status, open_store, save_document, totals, write_exports
from docextract.store import write as store_write
from docextract.store.corrections import form_corrections
from docextract.store.exports import workbook
from docextract.store.forms import load_form

ERROR_FILL = "FFFFC7CE"
WARNING_FILL = "FFFFEB9C"


@pytest.fixture()
def gold_records(gold_dir) -> list[FormRecord]:
    records = [FormRecord.model_validate(item) for item in json.loads((gold_dir / "001.json").read_text("utf-8"))]
    first = records[0]
    first.findings = [
        Finding(check="score_total", severity="error", message="Σ得分 ≠ 总分",
                cells=["total_score", "indicators[1].score"]),
        Finding(check="funding_rows", severity="warning", message="sub-rows", cells=["funding.carryover"]),
        Finding(check="note", severity="info", message="fyi", cells=["grade"]),
    ]
    first.status = "flagged"
    first.goal_actual = "=100(%) 完成"  # must stay text in the workbook
    first.provenance = {"total_score": Provenance(source="/tmp/w/001.txt", line=40, cell="c40-7")}
    for record in records[1:]:
        record.status = "verified"
    return records


def row_counts(conn, sha256):
    return {table: conn.execute(f"SELECT count(*) FROM {table} WHERE sha256 = ?", (sha256,)).fetchone()[0]
            for table in ("documents", "sources", "manifest", "forms", "funding", "indicators", "findings",
                          "provenance")}


def test_a_document_is_stored_with_all_its_rows(tmp_path, gold_records):
    conn = open_store(tmp_path)
    result = DocumentResult(source="x", kind="text", forms=gold_records, seconds=0.5)
    save_document(conn, "a" * 64, 7581, ["inbox/001.txt", "other/001-copy.txt"], result)

    counts = row_counts(conn, "a" * 64)
    assert counts == {"documents": 1, "sources": 2, "manifest": 1, "forms": 3, "funding": 12,
                      "indicators": sum(len(r.indicators) for r in gold_records), "findings": 3, "provenance": 1}
    stored = [json.loads(row[0]) for row in conn.execute("SELECT record FROM forms ORDER BY form_index")]
    assert stored == [record_json(r) for r in gold_records]
    total = conn.execute("SELECT executed, execution_rate FROM funding WHERE form_index = 1 AND row = 'total'")
    assert total.fetchone() == (gold_records[0].funding.total.executed, gold_records[0].funding.total.execution_rate)
    assert manifest_status(conn) == {"a" * 64: "done"}
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_saving_again_replaces_and_counts_an_attempt(tmp_path, gold_records):
    conn = open_store(tmp_path)
    failed = DocumentResult(source="x", error=DocumentError(source="x", reason="corrupt PDF"))
    save_document(conn, "b" * 64, 10, ["b.pdf"], failed)
    assert totals(conn).failures == [("b.pdf", "corrupt PDF")]
    save_document(conn, "b" * 64, 10, ["b.pdf"], DocumentResult(source="x", kind="text", forms=gold_records))
    save_document(conn, "b" * 64, 10, ["b.pdf"], DocumentResult(source="x", kind="text", forms=gold_records))

    assert row_counts(conn, "b" * 64)["forms"] == 3
    assert conn.execute("SELECT status, attempts FROM manifest").fetchall() == [("done", 3)]
    assert conn.execute("SELECT error FROM documents").fetchall() == [(None,)]


def test_a_failed_write_leaves_nothing(tmp_path, gold_records, monkeypatch):
    conn = open_store(tmp_path)

    def broken_rows(record):
        yield {"indicator_index": 0, "no_such_column": 1}

    monkeypatch.setitem(store_write.CHILD_ROWS, "indicators", broken_rows)
    with pytest.raises(sqlite3.OperationalError):
        save_document(conn, "c" * 64, 1, ["c.txt"], DocumentResult(source="x", kind="text", forms=gold_records))
    assert row_counts(conn, "c" * 64) == dict.fromkeys(row_counts(conn, "c" * 64), 0)


def test_a_database_is_reopened_but_another_version_refused(tmp_path, gold_records):
    with pytest.raises(StoreError, match="no batch database"):
        open_store(tmp_path, create=False)
    conn = open_store(tmp_path)
    save_document(conn, "d" * 64, 1, ["d.txt"], DocumentResult(source="x", kind="text", forms=gold_records))
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(StoreError, match="schema version 99"):
        open_store(tmp_path)


def _stored_archive(tmp_path, gold_records):
    conn = open_store(tmp_path)
    # saved out of source order: exports still list by source
    save_document(conn, "f" * 64, 1, ["z/broken.pdf"], DocumentResult(
        source="x", error=DocumentError(source="x", reason="encrypted PDF")))
    save_document(conn, "e" * 64, 1, ["a/001.txt"], DocumentResult(source="x", kind="text", forms=gold_records))
    return conn


def test_jsonl_and_csv_exports_follow_the_stable_order(tmp_path, gold_records):
    conn = _stored_archive(tmp_path, gold_records)
    write_exports(conn, tmp_path, ["jsonl", "csv"])

    lines = (tmp_path / "forms.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [record_json(r) for r in gold_records]
    raw = (tmp_path / "csv" / "documents.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())  # Excel reads UTF-8 only with a BOM
    with (tmp_path / "csv" / "documents.csv").open(encoding="utf-8-sig", newline="") as f:
        documents = list(csv.DictReader(f))
    assert [d["source"] for d in documents] == ["a/001.txt", "z/broken.pdf"]
    assert documents[1]["error"] == "encrypted PDF"
    with (tmp_path / "csv" / "forms.csv").open(encoding="utf-8-sig", newline="") as f:
        forms = list(csv.DictReader(f))
    assert "record" not in forms[0]
    assert [f["project_name"] for f in forms] == [r.project_name for r in gold_records]
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == sorted(
        f"{t}.csv" for t in ("documents", "sources", "forms", "funding", "indicators", "findings", "provenance"))


def test_the_workbook_marks_what_the_checks_found(tmp_path, gold_records):
    conn = _stored_archive(tmp_path, gold_records)
    write_exports(conn, tmp_path, ["xlsx"])

    book = openpyxl.load_workbook(tmp_path / "docextract.xlsx")
    assert book.sheetnames == ["forms", "indicators", "findings", "documents"]
    assert all(sheet.freeze_panes == "A2" for sheet in book)
    forms = book["forms"]
    header = [c.value for c in forms[1]]
    first = {name: cell for name, cell in zip(header, forms[2])}
    assert first["total_score"].fill.fgColor.rgb == ERROR_FILL
    assert first["status"].value == "flagged" and first["status"].fill.fgColor.rgb == ERROR_FILL
    assert {first[f"funding.carryover.{c}"].fill.fgColor.rgb for c in ("executed", "score")} == {WARNING_FILL}
    assert first["grade"].fill.fgColor.rgb != ERROR_FILL  # info findings mark nothing
    assert first["funding.total.executed"].value == gold_records[0].funding.total.executed
    assert first["goal_actual"].value == "=100(%) 完成" and first["goal_actual"].data_type == "s"

    indicators = book["indicators"]
    header = [c.value for c in indicators[1]]
    rows = [{name: cell for name, cell in zip(header, row)} for row in indicators.iter_rows(min_row=2)]
    assert len(rows) == sum(len(r.indicators) for r in gold_records)
    marked = [(r["form"].value, r["indicator"].value, name) for r in rows for name, cell in r.items()
              if cell.fill.fgColor.rgb == ERROR_FILL]
    assert marked == [(1, 1, "score")]
    documents = book["documents"]
    assert documents["F3"].value == "encrypted PDF" and documents["F3"].fill.fgColor.rgb == ERROR_FILL


def test_a_sheet_longer_than_excel_allows_continues_on_the_next(tmp_path, gold_records, monkeypatch):
    conn = _stored_archive(tmp_path, gold_records)
    monkeypatch.setattr(workbook, "MAX_DATA_ROWS", 10)
    write_exports(conn, tmp_path, ["xlsx"])

    book = openpyxl.load_workbook(tmp_path / "docextract.xlsx")
    parts = [name for name in book.sheetnames if name.startswith("indicators")]
    assert sum(book[name].max_row - 1 for name in parts) == sum(len(r.indicators) for r in gold_records)
    assert all(book[name]["A1"].value == "source" for name in parts)


# ---------------------------------------------------------------- corrections


def test_a_correction_is_stored_beside_the_extracted_value_within_its_limits(tmp_path, gold_records):
    conn = open_store(tmp_path)
    save_document(conn, "c" * 64, 1, ["001.txt"], DocumentResult(source="001.txt", forms=gold_records))
    extracted = gold_records[0].project_name
    rows = len(gold_records[0].indicators)
    for changes, problem in [({"project_name": "长" * (MAX_TEXT_CHARS + 1)}, "characters, more than the limit"),
                             ({"indicators[99].score": 1}, f"the form has {rows} indicator rows"),
                             ({"findings": []}, "is not an editable field"), ({"funding..total": 1}, "not a field path"),
                             ({"total_score": "abc"}, "is not a number"), ({"year": 1066}, "is not a year")]:
        with pytest.raises(FieldError, match=problem):
            correct_form(conn, "c" * 64, 1, changes)
    assert conn.execute("SELECT count(*) FROM corrections").fetchone()[0] == 0  # each refusal stored nothing
    longest = "长" * MAX_TEXT_CHARS
    record = correct_form(conn, "c" * 64, 1, {"project_name": f"  {longest} ", "total_score": "88.5"}, "li")
    assert record.project_name == longest and record.total_score == 88.5
    assert load_form(conn, "c" * 64, 1) == record
    assert [(c.field, c.extracted, c.corrected, c.reviewer) for c in form_corrections(conn, "c" * 64, 1)] == [
        ("project_name", extracted, longest, "li"), ("total_score", gold_records[0].total_score, 88.5, "li")]
    assert {r.field for r in record.repairs} == {"project_name", "total_score"}


def test_the_store_imports_nothing_of_the_stages_that_read_it():
    """store/ keeps rows; review/ and service/ give them meaning and import store/, never the other way."""
    store = Path(docextract.store.__file__).parent
    imported = {node.module for path in store.rglob("*.py") for node in ast.walk(ast.parse(path.read_text("utf-8")))
                if isinstance(node, ast.ImportFrom) and node.module}
    assert imported and not {name for name in imported if name.startswith(("docextract.review", "docextract.service"))}
