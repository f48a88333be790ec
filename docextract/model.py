"""The one shared data model.

Every source (text export, born-digital PDF page, scanned page) produces a `CellTable`; the mapper turns
the rows of one form into a `FormRecord`; the checks add `Finding`s and a `status`. The record's contract
fields are exactly those of `form-schema.md`; everything else is an optional addition.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePath
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

SourceKind = Literal["text", "digital", "scan"]
Severity = Literal["error", "warning", "info"]
Status = Literal["verified", "flagged"]
T = TypeVar("T")


class ReadingChoice(BaseModel):
    """A value read otherwise than the recognizer's first reading: the readings considered (text and
    cost: -log of its probability relative to the first reading) and why the one kept won."""

    model_config = ConfigDict(frozen=True)

    read: str  # the recognizer's first reading of the cell
    chosen: str
    considered: list[tuple[str, float]] = Field(default_factory=list)
    reason: str


class Provenance(BaseModel):
    """Where a value was read: file, page or line, cell box in PDF points, OCR confidence."""

    model_config = ConfigDict(frozen=True)

    source: str | None = None
    page: int | None = None  # 1-based
    line: int | None = None  # 1-based line of a text export
    bbox: tuple[float, float, float, float] | None = None  # x0, y0, x1, y1 in PDF points
    confidence: float | None = None  # recognizer confidence, 0..1 (OCR only)
    cell: str | None = None  # id of the source cell
    reading: ReadingChoice | None = None  # set when the value is another of the recognizer's readings

    def of_cell(self, cell_id: str) -> Provenance:
        """This place narrowed to one of its cells (a text line's provenance to a cell of the line)."""
        return self if self.cell == cell_id else Provenance.model_validate({**self.__dict__, "cell": cell_id})


# ---------------------------------------------------------------- cell table (source -> mapper)


class Doubt(BaseModel):
    """Where the recognizer hesitated in a line: at character `at` of the line's text it read
    `options[0][0]` ('' where it read nothing) and saw the other options too, each with its probability."""

    model_config = ConfigDict(frozen=True)

    at: int
    options: tuple[tuple[str, float], ...]


class TextLine(BaseModel):
    """One printed or recognized line inside a cell: its text, box in PDF points, OCR confidence."""

    model_config = ConfigDict(frozen=True)

    text: str
    bbox: tuple[float, float, float, float] | None = None
    confidence: float | None = None  # OCR only
    # x0, x1 in PDF points of each space-separated part of `text`, where the source places them: a cell
    # whose text runs over several columns (a lost ruling) can be cut where the columns are
    spans: tuple[tuple[float, float], ...] = ()
    doubts: tuple[Doubt, ...] = ()  # OCR only: the recognizer's alternatives, left to right


class Cell(BaseModel):
    """One table cell. A merged cell appears once, in the row where it starts, with its spans."""

    id: str
    col: int  # 0-based first grid column
    colspan: int = 1
    rowspan: int = 1
    text: str = ""
    prov: Provenance = Field(default_factory=Provenance)
    lines: list[TextLine] = Field(default_factory=list)  # PDF and image sources: the lines `text` joins

    @property
    def col_end(self) -> int:
        return self.col + self.colspan


class Row(BaseModel):
    cells: list[Cell] = Field(default_factory=list)  # sorted by col
    page: int | None = None
    line: int | None = None
    page_break_before: bool = False  # the row is the first after a page break
    outside: bool = False  # text a page prints outside its ruled table (a title, a page number, a note)
    unsure: str | None = None  # why the source could not tell which text belongs to which of the row's cells

    def texts(self) -> list[str]:
        return [c.text for c in self.cells]

    def nonblank(self) -> list[Cell]:
        """The cells holding text (shared: never modify the list)."""
        return self.derived("_nonblank", _with_text)

    def derived(self, name: str, compute: Callable[[list[Cell]], T]) -> T:
        """`compute(self.cells)`, kept with the cells list it came from: the mapping stages read every row
        several times; a copy given other cells recomputes. Kept in `__dict__` under `name` (starting with
        '_', which no field does), where pydantic also keeps a cached_property: fields alone are dumped
        and compared."""
        memo = self.__dict__.get(name)
        if memo is None or memo[0] is not self.cells:
            memo = self.__dict__[name] = (self.cells, compute(self.cells))
        return memo[1]


def _with_text(cells: list[Cell]) -> list[Cell]:
    return [c for c in cells if c.text.strip()]


class CellTable(BaseModel):
    """A document as rows of cells, source-independent. Forms are split from it by their title rows."""

    source: str
    kind: SourceKind
    rows: list[Row] = Field(default_factory=list)
    pages: int | None = None
    warnings: list[str] = Field(default_factory=list)
    skipped_pages: dict[int, str] = Field(default_factory=dict)  # page -> why no row of it was kept

    def notices(self) -> list[str]:
        """The warnings, then the skipped pages, a line per run of pages skipped for one reason."""
        runs: list[list] = []  # [first page, last page, reason]
        for page, reason in sorted(self.skipped_pages.items()):
            if runs and runs[-1][1] == page - 1 and runs[-1][2] == reason:
                runs[-1][1] = page
            else:
                runs.append([page, page, reason])
        pages = [f"page {a}" if a == b else f"pages {a}-{b}" for a, b, _ in runs]
        return self.warnings + [f"{where} skipped: {reason}" for where, (_, _, reason) in zip(pages, runs)]


# ---------------------------------------------------------------- record (mapper -> checks -> output)


class Measure(BaseModel):
    """A target or actual value parsed into operator / number / unit; qualitative text keeps only `text`."""

    model_config = ConfigDict(frozen=True)  # a value: parsed once per distinct text and shared

    text: str
    op: Literal["≥", "≤", ">", "<", "="] | None = None
    value: float | None = None
    unit: str | None = None


class Alignment(BaseModel):
    """A printed label matched to the official taxonomy or the indicator-name library."""

    model_config = ConfigDict(frozen=True)  # a value: computed once per distinct label and shared

    canonical: str | None
    score: float  # 0..100 (rapidfuzz)


class FundingRow(BaseModel):
    initial_budget: float | None = None
    annual_budget: float | None = None
    executed: float | None = None
    weight: float | None = None
    execution_rate: float | None = None
    score: float | None = None


class Funding(BaseModel):
    total: FundingRow = Field(default_factory=FundingRow)
    appropriation: FundingRow = Field(default_factory=FundingRow)
    carryover: FundingRow = Field(default_factory=FundingRow)
    other: FundingRow = Field(default_factory=FundingRow)


class Indicator(BaseModel):
    level1: str | None = None
    level2: str | None = None
    name: str | None = None
    target: str | None = None
    actual: str | None = None
    weight: float | None = None
    score: float | None = None
    deviation: str | None = None
    # additions
    target_parsed: Measure | None = None
    actual_parsed: Measure | None = None
    level1_match: Alignment | None = None
    level2_match: Alignment | None = None
    name_match: Alignment | None = None
    alignment_cost: float | None = None  # how badly the row's cells fit their columns (mapping/align.py)
    source_doubt: str | None = None  # the source's doubt about the row's cells (`Row.unsure`)


class Finding(BaseModel):
    check: str
    severity: Severity
    message: str
    cells: list[str] = Field(default_factory=list)  # field paths, e.g. "funding.total.score", "indicators[3].weight"


class Repair(BaseModel):
    field: str
    old: float | str | None
    new: float | str | None
    reason: str


class LLMTrace(BaseModel):
    """What the LLM stage did for one form: which prompt and model, what it cost, and the verdict."""

    prompt_version: str
    model: str
    accepted: bool = False  # some patch passed the accept rule and is in the record
    reason: str  # why accepted, rejected or failed, one line
    fields: list[str] = Field(default_factory=list)  # record paths whose value the LLM supplied
    calls: int = 0  # requests sent (0 on a cache hit)
    tokens: int = 0
    cache_hit: bool = False
    failure: str | None = None  # unreachable, server_error, timeout, invalid_answer: no usable answer


# the contract's field names (form-schema.md), in the order the form prints them
FORM_FIELDS = ("year", "project_name", "department", "implementing_unit", "funding_unit", "goal_expected",
               "goal_actual", "total_weight", "total_score", "grade")  # a form's own values
FUNDING_ROWS = tuple(Funding.model_fields)  # total, appropriation, carryover, other
FUNDING_COLUMNS = tuple(FundingRow.model_fields)
INDICATOR_FIELDS = ("level1", "level2", "name", "target", "actual", "weight", "score", "deviation")


class FormRecord(BaseModel):
    # contract fields (form-schema.md)
    id: str | None = None
    year: int | None = None
    project_name: str | None = None
    department: str | None = None
    implementing_unit: str | None = None
    funding_unit: str | None = None
    funding: Funding = Field(default_factory=Funding)
    goal_expected: str | None = None
    goal_actual: str | None = None
    indicators: list[Indicator] = Field(default_factory=list)
    total_weight: float | None = None
    total_score: float | None = None
    grade: str | None = None
    notes: str | None = None
    # additions
    source: str | None = None
    source_kind: SourceKind | None = None
    pages: tuple[int, int] | None = None  # first, last (1-based)
    provenance: dict[str, Provenance] = Field(default_factory=dict)  # field path -> where it was read
    findings: list[Finding] = Field(default_factory=list)
    status: Status | None = None
    repairs: list[Repair] = Field(default_factory=list)
    unplaced: list[str] = Field(default_factory=list)  # ids of cells the mapper could not place
    category_points: dict[str, float] = Field(default_factory=dict)  # points printed in a category label
    printed_decimals: dict[str, int] = Field(default_factory=dict)  # field path -> decimals its cell printed
    source_rows: list[list[str]] = Field(default_factory=list)  # the form's rows as read: their cells' ids
    llm: LLMTrace | None = None  # set when the LLM stage looked at the form

    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]


def record_id(source: str, form_number: int) -> str:
    """A record's `id` (form-schema.md): the first three characters of the file's name without its extension,
    and the form's 1-based number in the document, two digits: `000_d6fb….txt`, form 1 -> `000-01`."""
    return f"{PurePath(source).stem[:3]}-{form_number:02d}"


def shown_path(path: str) -> str:
    """A file name as one line of a message: quoted, its control characters escaped, when it holds any
    (a newline in a name must not split the error line) or spaces."""
    if path.isprintable() and " " not in path:
        return path
    escaped = "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in path)
    return '"' + escaped.replace('"', '\\"') + '"'


class DocumentError(BaseModel):
    """A document that could not be read: the file and the reason, one line."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{shown_path(self.source)}: {self.reason}"


class DocumentResult(BaseModel):
    source: str
    kind: SourceKind | None = None
    forms: list[FormRecord] = Field(default_factory=list)
    error: DocumentError | None = None
    pages: int | None = None
    seconds: float | None = None
    warnings: list[str] = Field(default_factory=list)  # what was read around: repaired file, skipped pages
