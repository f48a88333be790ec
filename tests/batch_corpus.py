"""A small archive for batch tests: the seed text exports, renamed duplicates, concatenations, the sample
PDF, broken files and a file a folder search must skip. Built into a temporary folder per test."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import fitz

from docextract.store import open_store
from docextract.store.read import table_columns, table_rows
from docextract.store.schema import RESULT_TABLES

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))
SAMPLE_PDF = FIXTURES / "samples" / "sample.digital.pdf"


@dataclass(frozen=True)
class Corpus:
    root: Path
    files: list[str]  # every file a batch over `root` collects, relative to it
    duplicates: dict[str, str]  # copy -> the file whose content it repeats
    broken: list[str]  # files that must become error rows

    @property
    def documents(self) -> int:
        return len(self.files) - len(self.duplicates)


def build_corpus(root: Path) -> Corpus:
    seed0, seed1, seed2 = SEEDS
    texts = {path.name: path.read_bytes() for path in SEEDS}
    files: dict[str, bytes] = {f"seeds/{name}": content for name, content in texts.items()}
    files |= {
        "dup/001-copy.txt": texts[seed1.name],  # renamed duplicates
        "dup/002 renamed.TXT": texts[seed2.name],
        "cat/101_twice.txt": texts[seed1.name] + b"\n" + texts[seed1.name],  # concatenations: new content
        "cat/102_thrice.txt": (texts[seed1.name] + b"\n") * 3,
        "cat/202_twice.txt": texts[seed2.name] + b"\n" + texts[seed2.name],
        "pdf/sample.digital.pdf": SAMPLE_PDF.read_bytes(),
    }
    broken = {
        "broken/corrupt.pdf": b"%PDF-1.7\n" + bytes(range(256)) * 16,
        "broken/empty.txt": b"",
        "broken/binary.txt": b"\x00\xff\xfe\x01" * 512,
        "broken/not-a-form.txt": "关于预算执行情况的说明\n\n各单位：请于月底前报送数据。\n".encode(),
        "broken/encrypted.pdf": _encrypted(SAMPLE_PDF),
    }
    for name, content in (files | broken).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    (root / "seeds" / "notes.json").write_text("{}")  # not a kind docextract reads: a folder search skips it
    duplicates = {"dup/001-copy.txt": f"seeds/{seed1.name}", "dup/002 renamed.TXT": f"seeds/{seed2.name}"}
    return Corpus(root, sorted(files | broken), duplicates, sorted(broken))


def _encrypted(pdf: Path) -> bytes:
    with fitz.open(pdf) as doc:
        return doc.tobytes(encryption=fitz.PDF_ENCRYPT_AES_256, user_pw="user-secret", owner_pw="owner-secret")


def stored_results(outdir: Path) -> dict[str, list[tuple]]:
    """Every result table of a batch database, rows in their stable order (the manifest's timings left out)."""
    conn = open_store(outdir, create=False)
    try:
        return {table: table_rows(conn, table, [f"t.{c}" for c in table_columns(conn, table)])
                for table in RESULT_TABLES}
    finally:
        conn.close()
