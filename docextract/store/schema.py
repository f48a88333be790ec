"""The batch database: one SQLite file per output folder, tables documented in `SCHEMA.md` beside this file.

Only the batch's parent process writes, one transaction per document, so a run killed at any moment
leaves every document either wholly stored or absent. WAL mode lets readers (an analyst's SQL client,
`docextract export`) read while a batch writes.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

DATABASE_NAME = "docextract.sqlite"
SCHEMA_VERSION = 3  # 2 added the service's and the review's tables (SERVICE_DDL), 3 documents.warnings

DDL = """
CREATE TABLE IF NOT EXISTS documents (
    sha256      TEXT PRIMARY KEY,
    source      TEXT NOT NULL,
    bytes       INTEGER NOT NULL,
    kind        TEXT,
    pages       INTEGER,
    forms       INTEGER NOT NULL,
    error       TEXT
);
CREATE TABLE IF NOT EXISTS sources (
    source      TEXT NOT NULL,
    sha256      TEXT NOT NULL REFERENCES documents ON DELETE CASCADE,
    PRIMARY KEY (source, sha256)
);
CREATE TABLE IF NOT EXISTS manifest (
    sha256      TEXT PRIMARY KEY,
    status      TEXT NOT NULL CHECK (status IN ('done', 'failed')),
    attempts    INTEGER NOT NULL,
    seconds     REAL,
    finished_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS forms (
    sha256            TEXT NOT NULL REFERENCES documents ON DELETE CASCADE,
    form_index        INTEGER NOT NULL,
    id                TEXT,
    year              INTEGER,
    project_name      TEXT,
    department        TEXT,
    implementing_unit TEXT,
    funding_unit      TEXT,
    goal_expected     TEXT,
    goal_actual       TEXT,
    total_weight      REAL,
    total_score       REAL,
    grade             TEXT,
    notes             TEXT,
    source_kind       TEXT,
    first_page        INTEGER,
    last_page         INTEGER,
    status            TEXT,
    record            TEXT NOT NULL,
    PRIMARY KEY (sha256, form_index)
);
CREATE TABLE IF NOT EXISTS funding (
    sha256         TEXT NOT NULL,
    form_index     INTEGER NOT NULL,
    row            TEXT NOT NULL CHECK (row IN ('total', 'appropriation', 'carryover', 'other')),
    initial_budget REAL,
    annual_budget  REAL,
    executed       REAL,
    weight         REAL,
    execution_rate REAL,
    score          REAL,
    PRIMARY KEY (sha256, form_index, row),
    FOREIGN KEY (sha256, form_index) REFERENCES forms ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS indicators (
    sha256           TEXT NOT NULL,
    form_index       INTEGER NOT NULL,
    indicator_index  INTEGER NOT NULL,
    level1           TEXT,
    level2           TEXT,
    name             TEXT,
    target           TEXT,
    actual           TEXT,
    weight           REAL,
    score            REAL,
    deviation        TEXT,
    target_op        TEXT,
    target_value     REAL,
    target_unit      TEXT,
    actual_op        TEXT,
    actual_value     REAL,
    actual_unit      TEXT,
    level1_canonical TEXT,
    level2_canonical TEXT,
    name_canonical   TEXT,
    PRIMARY KEY (sha256, form_index, indicator_index),
    FOREIGN KEY (sha256, form_index) REFERENCES forms ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS findings (
    sha256        TEXT NOT NULL,
    form_index    INTEGER NOT NULL,
    finding_index INTEGER NOT NULL,
    check_name    TEXT NOT NULL,
    severity      TEXT NOT NULL,
    message       TEXT NOT NULL,
    cells         TEXT NOT NULL,
    PRIMARY KEY (sha256, form_index, finding_index),
    FOREIGN KEY (sha256, form_index) REFERENCES forms ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS provenance (
    sha256     TEXT NOT NULL,
    form_index INTEGER NOT NULL,
    field      TEXT NOT NULL,
    page       INTEGER,
    line       INTEGER,
    x0         REAL,
    y0         REAL,
    x1         REAL,
    y1         REAL,
    confidence REAL,
    cell       TEXT,
    PRIMARY KEY (sha256, form_index, field),
    FOREIGN KEY (sha256, form_index) REFERENCES forms ON DELETE CASCADE
);
"""

# Version 2: the service's job queue (`store/jobs.py`) and the reviewers' corrections (`store/corrections.py`).
# Only new tables: a version-1 database gets them when it is opened, and keeps every batch table as it was.
SERVICE_DDL = """
CREATE TABLE IF NOT EXISTS jobs (
    id          TEXT PRIMARY KEY,
    created_at  TEXT NOT NULL,
    finished_at TEXT
);
CREATE TABLE IF NOT EXISTS job_documents (
    job_id   TEXT NOT NULL REFERENCES jobs ON DELETE CASCADE,
    position INTEGER NOT NULL,
    sha256   TEXT NOT NULL,
    name     TEXT NOT NULL,
    bytes    INTEGER NOT NULL,
    pages    INTEGER NOT NULL,
    status   TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    PRIMARY KEY (job_id, position)
);
CREATE INDEX IF NOT EXISTS job_documents_by_status ON job_documents (status, sha256);
CREATE TABLE IF NOT EXISTS form_originals (
    sha256     TEXT NOT NULL,
    form_index INTEGER NOT NULL,
    record     TEXT NOT NULL,
    PRIMARY KEY (sha256, form_index)
);
CREATE TABLE IF NOT EXISTS corrections (
    id         INTEGER PRIMARY KEY,
    sha256     TEXT NOT NULL REFERENCES documents ON DELETE CASCADE,
    form_index INTEGER NOT NULL,
    field      TEXT NOT NULL,
    extracted  TEXT NOT NULL,
    corrected  TEXT NOT NULL,
    reviewer   TEXT,
    comment    TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS corrections_by_form ON corrections (sha256, form_index);
CREATE TABLE IF NOT EXISTS reviews (
    sha256      TEXT NOT NULL REFERENCES documents ON DELETE CASCADE,
    form_index  INTEGER NOT NULL,
    reviewer    TEXT,
    reviewed_at TEXT NOT NULL,
    PRIMARY KEY (sha256, form_index)
);
"""

# What brings a database from the version before to each version; a new file (version 0) takes them all.
UPGRADES = {
    1: DDL,
    2: SERVICE_DDL,
    3: "ALTER TABLE documents ADD COLUMN warnings TEXT;",  # JSON array: what the reader read around
}

# The result tables (all but the manifest's bookkeeping), each with its order after the document's source:
# exports list rows by `documents.source, sha256, <this>`, whatever order the documents were processed in.
RESULT_TABLES = {
    "documents": "",
    "sources": "t.source",
    "forms": "t.form_index",
    "funding": "t.form_index, CASE t.row WHEN 'total' THEN 0 WHEN 'appropriation' THEN 1"
               " WHEN 'carryover' THEN 2 ELSE 3 END",
    "indicators": "t.form_index, t.indicator_index",
    "findings": "t.form_index, t.finding_index",
    "provenance": "t.form_index, t.field",
}


class StoreError(RuntimeError):
    """The output folder holds no batch database, or one this version cannot read."""


def database_path(outdir: str | Path) -> Path:
    return Path(outdir) / DATABASE_NAME


def open_store(outdir: str | Path, create: bool = True) -> sqlite3.Connection:
    """Open (or create) the batch database of `outdir`; transactions are explicit (`BEGIN … COMMIT`)."""
    path = database_path(outdir)
    if not create and not path.is_file():
        raise StoreError(f"{outdir}: no batch database ({DATABASE_NAME}); run `docextract batch` first")
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")  # in WAL: a killed process loses nothing committed
    conn.execute("PRAGMA foreign_keys=ON")
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        conn.close()
        raise StoreError(f"{path}: schema version {version}, this docextract reads {SCHEMA_VERSION}")
    if version < SCHEMA_VERSION:
        _upgrade(conn, version)
    return conn


def _upgrade(conn: sqlite3.Connection, version: int) -> None:
    steps = "".join(UPGRADES[v] for v in range(version + 1, SCHEMA_VERSION + 1))
    try:
        conn.executescript(f"BEGIN IMMEDIATE; {steps} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;")
    except sqlite3.OperationalError:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:  # else: another process upgraded it
            conn.close()
            raise
