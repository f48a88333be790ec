"""Indicator rows -> Indicators.

Each row's cells get their roles from the column alignment (`align.py`) against the schema of the last
header row read, whatever the source, the page or the row's offset. Merged category cells fill down to
the rows they cover, and page breaks leave debris that is joined or dropped: a category cut in two ("生态"
| "效益指标"), the rest of a merged cell printed again on the next page ("效益指标"), a merged label printed on
the next page only (it also labels the rows before the break whose cells are empty), or text continuing
a cell of the row before the break.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from docextract.labels import categories, key, points_of, row_keys
from docextract.mapping.align import Aligned, Schema, align_row, gap_roles, split_spanning
from docextract.mapping.categories import complete, exact_category, joined, read_category, short_form, stacked
from docextract.mapping.columns import header_schema
from docextract.mapping.fit import fit
from docextract.mapping.ledger import Ledger
from docextract.mapping.sections import is_indicator_header
from docextract.mapping.wraps import join_wraps
from docextract.model import Cell, Indicator, Row
from docextract.values import clean_text, is_debris, parse_measure, tidy_measure

VALUE_ROLES = ("name", "target", "actual", "weight", "score", "deviation")
TEXT_ROLES = ("name", "target", "actual", "deviation")
MEASURE_ROLES = ("target", "actual")  # text that is often a measure: '≥100.00(家)'
LEVEL_ROLES = {"level1": 1, "level2": 2}
PLACEHOLDER = "…⋯.。·-—－–_/／、"


@dataclass(frozen=True)
class _Found:
    """A category cell of a row: its level, its label, and the cut-off prefix when the label is cut."""

    level: int
    label: str | None
    cell: Cell
    prefix: str | None
    known: bool  # the text reads as an official category (or the beginning of one)


@dataclass
class _Level:
    text: str | None = None
    cell: Cell | None = None
    prefix: str | None = None  # the label is cut by a page break; its rest may follow
    rows: list[int] = field(default_factory=list)  # indicators carrying the cut label


class IndicatorReader:
    def __init__(self, schema: Schema, ledger: Ledger) -> None:
        self.schema = schema  # the columns of the last header row read (repeated on continuation pages)
        self.ledger = ledger
        self.indicators: list[Indicator] = []
        self.points: dict[str, float] = {}  # category -> the points its label prints ('产出指标(70分)')
        self.level_cells: list[dict[int, Cell | None]] = []  # per indicator: level -> category cell
        self.printed: list[bool] = []  # per indicator: the row printed its own category cells
        self.blank: list[set[int]] = []  # per indicator: levels printed as an empty cell no merged cell covers
        self.level = {1: _Level(), 2: _Level()}
        self.covered = {1: 0, 2: 0}  # rows still covered by the last category cell's rowspan
        self.after_break = False  # a page break came with a header row repeated on the new page
        self.last_page: int | None = None

    def read(self, rows: list[Row]) -> list[Indicator]:
        gridded = any(c.rowspan > 1 for row in rows for c in row.cells)
        for row in join_wraps(rows, self.ledger):
            self._row(row, gridded)
        for level in (1, 2):
            self._settle(level)
            self._unstack(level)
        self._labels_printed_below()
        for n, cells in enumerate(self.level_cells):
            for level, cell in cells.items():
                if cell is not None and getattr(self.indicators[n], f"level{level}") is not None:
                    self.ledger.note(f"indicators[{n}].level{level}", cell)
        return self.indicators

    # ------------------------------------------------------------------ one row

    def _row(self, row: Row, gridded: bool) -> None:
        cells = row.nonblank()
        if not cells:
            return
        after_break, self.after_break = row.page_break_before or self.after_break, False
        if row.page != self.last_page:
            self.covered, self.last_page = {1: 0, 2: 0}, row.page
        if is_indicator_header(row_keys(row)):
            self.ledger.use(*cells)  # the header repeated on a continuation page
            schema, _ = header_schema(row, "indicator_header")
            self.schema = schema if schema.columns else self.schema
            self.after_break = after_break
            return
        cells = split_spanning(cells, self.schema)
        aligned = align_row(cells, self.schema, fit)
        by_role = aligned.cells_of(cells)
        stray = [cell for cell in cells if aligned.roles.get(cell.id) is None]
        found = self._categories(by_role, stray)
        blank = self._blank_levels(row, aligned, found) if gridded else set()
        # a placeholder row ('……' under a category the project has no indicator of) holds no indicator
        held = {c.id: c for role in VALUE_ROLES for c in by_role.get(role, []) if _placeholder(c.text)}
        self.ledger.use(*held.values())
        values = {role: cells for role in VALUE_ROLES
                  if (cells := [c for c in by_role.get(role, []) if c.id not in held])}
        if not values:
            self._category_row(after_break, found)
        elif self.indicators and not found and self._continues(after_break, values):
            self._continuation(values)
            last = self.indicators[-1]
            last.source_doubt = last.source_doubt or row.unsure
        else:
            if after_break:
                self._label_before_break(found)
            rest = [f for f in found if self._complete_cut(f.cell)]  # the rest of a label the break cut
            self._set_levels([f for f in found if f not in rest], kept={f.level for f in rest})
            self._indicator(values, printed=bool(found), blank=blank, cost=aligned.cost)
            self.indicators[-1].source_doubt = row.unsure

    def _blank_levels(self, row: Row, aligned: Aligned, found: list[_Found]) -> set[int]:
        """Levels whose cell in this row is printed empty without a merged cell from above covering it:
        the label of such a cell may follow on the next page."""
        blank = set()
        for cell, role in gap_roles(row.cells, aligned, self.schema).items():
            if role in LEVEL_ROLES and not self.covered[LEVEL_ROLES[role]]:
                blank.add(LEVEL_ROLES[role])
        for level in (1, 2):
            spans = [f.cell.rowspan for f in found if f.level == level]
            self.covered[level] = spans[0] - 1 if spans else max(0, self.covered[level] - 1)
        return blank

    def _categories(self, by_role: dict[str, list[Cell]], stray: list[Cell]) -> list[_Found]:
        """The row's category cells, at the level the alignment gave them (the vocabulary had its say
        there); a stray cell holding an official label exactly is one too."""
        placed = [(LEVEL_ROLES[role], cell) for role in LEVEL_ROLES for cell in by_role.get(role, [])]
        placed += [(1, cell) for cell in stray if exact_category(key(cell.text)) is not None]
        placed.sort(key=lambda lc: lc[1].col)
        found = []
        for level, cell in placed:
            text = read_category(key(cell.text), level)
            if text is not None and text.term:
                found.append(_Found(level, text.term, cell, None, True))
            else:
                found.append(_Found(level, clean_text(cell.text), cell, text and text.prefix, text is not None))
        return found

    def _continues(self, after_break: bool, values: dict[str, list[Cell]]) -> bool:
        """Text without numbers continues the cells of the row before: a cell wrapped into a row of its
        own, or cut by a page break. Such a row holds no name, or only the rest of texts the row before
        printed (at most two: a real row without its numbers still prints its name, target and actual);
        after a page break a lone name continues too."""
        if "weight" in values or "score" in values:
            return False
        if "name" not in values or (after_break and len(values) == 1):
            return True
        last = self.indicators[-1]
        return len(values) <= 2 and all(getattr(last, role) for role in values)

    def _continuation(self, values: dict[str, list[Cell]]) -> None:
        n = len(self.indicators) - 1
        last = self.indicators[n]
        for role, cells in values.items():
            text = clean_text("\n".join([getattr(last, role) or ""] + [c.text for c in cells]))
            setattr(last, role, text)
            self.ledger.use(*cells)
            if f"indicators[{n}].{role}" not in self.ledger.provenance:
                self.ledger.note(f"indicators[{n}].{role}", cells[0])
        last.target, last.actual = tidy_measure(last.target), tidy_measure(last.actual)
        last.target_parsed, last.actual_parsed = parse_measure(last.target), parse_measure(last.actual)

    def _indicator(self, values: dict[str, list[Cell]], printed: bool, blank: set[int], cost: float) -> None:
        n = len(self.indicators)
        path = f"indicators[{n}]."
        text = {role: self.ledger.text(path + role, values.get(role, [])) for role in TEXT_ROLES}
        for role in MEASURE_ROLES:
            text[role] = tidy_measure(text[role])
        if _debris(text["deviation"]):  # a seal's stroke or a speck read as a character: no reason given
            text["deviation"] = None
            self.ledger.provenance.pop(path + "deviation", None)
        numbers = {role: self.ledger.number(path + role, values[role][0] if role in values else None)
                   for role in ("weight", "score")}
        indicator = Indicator(level1=self.level[1].text, level2=self.level[2].text, **text, **numbers,
                              target_parsed=parse_measure(text["target"]), actual_parsed=parse_measure(text["actual"]),
                              alignment_cost=cost)
        self.indicators.append(indicator)
        self.level_cells.append({level: self.level[level].cell for level in (1, 2)})
        self.printed.append(printed)
        self.blank.append(blank)
        for level in (1, 2):
            if self.level[level].prefix:
                self.level[level].rows.append(n)

    # ------------------------------------------------------------------ categories

    def _set_levels(self, found: list[_Found], kept: set[int] = frozenset()) -> None:
        """The row's category cells become the current labels; `kept`: levels whose label the row
        continues (the rest of a label cut by a page break)."""
        levels = {f.level for f in found} | set(kept)
        for f in found:
            _, points = points_of(key(f.cell.text))
            if points is not None and f.label:
                self.points[f.label] = points
            self._settle(f.level)
            self.level[f.level] = _Level(f.label, f.cell, f.prefix)
            self.ledger.use(f.cell)
        if 1 in levels and 2 not in levels:
            self._settle(2)
            self.level[2] = _Level()
        if 1 not in levels:
            # a level-2 label under a level-1 label it cannot belong to: the level-1 cell was lost
            parents = categories().parents.get(self.level[2].text or "", frozenset())
            if len(parents) == 1 and self.level[1].text not in parents:
                self._settle(1)
                self.level[1] = _Level(next(iter(parents)), self.level[2].cell)

    def _category_row(self, after_break: bool, found: list[_Found]) -> None:
        """A row holding only category text: the rest of a cut label, the rest of a merged cell
        printed again after a page break (dropped), or a merged label printed apart from its rows."""
        fresh = []
        for f in found:
            if self._complete_cut(f.cell):
                continue
            if f.prefix is None and f.label in (self.level[1].text, self.level[2].text):
                self.ledger.use(f.cell)
            elif f.known:
                fresh.append(f)
        if not fresh:
            return
        if after_break:
            self._label_before_break(fresh)
        self._set_levels(fresh)
        if after_break and self.indicators and not self.printed[-1]:
            # printed apart from its rows: the merged cell starts on the page before, at the row printed there
            n = len(self.indicators) - 1
            self.indicators[n].level1, self.indicators[n].level2 = self.level[1].text, self.level[2].text
            self.level_cells[n] = {level: self.level[level].cell for level in (1, 2)}

    def _label_before_break(self, found: list[_Found]) -> None:
        """A label printed first after a page break also names the rows just before the break whose
        cell of that level was printed empty: one merged cell, its text on the second page only."""
        for f in found:
            n = len(self.indicators) - 1
            while n >= 0 and f.level in self.blank[n] and f.known:
                setattr(self.indicators[n], f"level{f.level}", f.label)
                self.level_cells[n][f.level] = f.cell
                n -= 1

    def _complete_cut(self, cell: Cell) -> bool:
        for level in (1, 2):
            cut = self.level[level]
            term = joined(cut.prefix, key(cell.text)) if cut.prefix else None
            if term:
                self._relabel(level, cut.rows, term)
                self.level[level] = _Level(term, cut.cell)
                self.ledger.use(cell)
                return True
        return False

    def _settle(self, level: int) -> None:
        """A cut label whose rest never came: the one label it can be under its level-1 category; a long
        label printed without its 指标 stays as printed."""
        cut = self.level[level]
        if cut.prefix:
            level1 = self.level[1].text if level == 2 else None
            term = None if short_form(cut.prefix) else complete(cut.prefix, level1)
            if term:
                self._relabel(level, cut.rows, term)
                cut.text = term
            cut.prefix, cut.rows = None, []

    def _unstack(self, level: int) -> None:
        """A category cell holding several labels one after another lost the rulings between its rows.
        When the rows it heads (it and those below it printed without a label of their own, or with the
        same text merged down) are exactly as many as its labels, each row takes its label in order, if
        it fits the row's level-1 label. More rows than labels: which label spans two is unknown."""
        parents = categories().parents
        field = f"level{level}"
        n = 0
        while n < len(self.indicators):
            text = getattr(self.indicators[n], field)
            end = n + 1
            while end < len(self.indicators) and getattr(self.indicators[end], field) in (None, text):
                end += 1
            terms = stacked(key(text), level) if text else None
            rows = range(n, end)
            if terms and len(terms) == len(rows) and (level == 1 or all(
                    self.indicators[m].level1 in parents.get(term, ()) for m, term in zip(rows, terms))):
                for m, term in zip(rows, terms):
                    setattr(self.indicators[m], field, term)
                    self.level_cells[m][level] = self.level_cells[n][level]
            n = end

    def _labels_printed_below(self) -> None:
        """A merged category cell's label printed on a middle row of its rows (an export of a page whose
        labels sit at the cell's centre) leaves the rows above it with the label of the run before, or
        none at the table's start. Rows before the first level-1 label take it; a row printing no category
        whose level-2 label cannot sit under its level-1 label, or that opens its level-1 run without one,
        takes the next level-2 label printed below it that can, within its level-1 run."""
        rows = self.indicators
        first = next((n for n, ind in enumerate(rows) if ind.level1 is not None), None)
        for n in range(first or 0):
            rows[n].level1 = rows[first].level1
            self.level_cells[n][1] = self.level_cells[first][1]
        parents = categories().parents
        labelled = False  # a level-2 label was printed in the current level-1 run
        for n, ind in enumerate(rows):
            if n == 0 or ind.level1 != rows[n - 1].level1:
                labelled = False
            mismatched = ind.level2 is not None and ind.level1 not in parents.get(ind.level2, (ind.level1,))
            if self.printed[n] or not (mismatched or ind.level2 is None and not labelled):
                labelled = labelled or ind.level2 is not None
                continue
            below = next((m for m in range(n + 1, len(rows)) if rows[m].level1 != ind.level1
                          or (rows[m].level2 is not None and self.printed[m])), None)
            if below is not None and rows[below].level1 == ind.level1 and \
                    ind.level1 in parents.get(rows[below].level2 or "", ()):
                ind.level2 = rows[below].level2
                self.level_cells[n][2] = self.level_cells[below][2]

    def _relabel(self, level: int, rows: list[int], term: str) -> None:
        for n in rows:
            setattr(self.indicators[n], f"level{level}", term)


def _placeholder(text: str) -> bool:
    """Dots, ellipses or dashes alone: a form's way of printing 'nothing here'."""
    k = key(text)
    return bool(k) and all(ch in PLACEHOLDER for ch in k)


def _debris(text: str | None) -> bool:
    """A 偏差原因 cell holding no reason: debris, or a lone digit (a reason is words)."""
    return text is not None and (is_debris(text) or len(text.strip()) == 1 and text.strip().isdigit())
