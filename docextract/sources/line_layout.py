"""One-cell-per-line text exports: table rows rebuilt from the form's grammar.

Such exports print each cell, or each wrapped line of a cell, on a line of its own; a row's short cells
are sometimes space-separated on one line. Rows are rebuilt from the order the form prescribes: a label
opens its row (项目名称, 主管部门, 项目资金, a funding row label, 年度总体目标, the indicator header, 总分,
评分等级); a funding row ends with its numbers; an indicator row is its categories, then its cells in the
order of its table's header (三级指标, 年度指标值, 实际完成值, 分值, 得分, 偏差原因… as a rule; some forms print
分值 first or leave it out): each text cell possibly wrapped, each number cell one number, the deviation the
text up to the next row. Rebuilt indicator rows take the columns of their header; a table without a
readable header takes the standard grid (一级指标 at column 0 … 偏差原因分析及改进措施 at column 7).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, cached_property

from docextract import labels
from docextract.labels import key
from docextract.model import Cell, Row
from docextract.sources.wrapping import (Grouping, choose, column_widths, goal_ends, grouping_cost, groupings,
                                        joined_wraps, least_costly, measure_like, narrow_wraps, open_parens,
                                        read_after, split_paragraphs)
from docextract.values import BLANKS, strip_debris, try_number

INDICATOR_ROLES = ("section", "level1", "level2", "name", "target", "actual", "weight", "score", "deviation")
CATEGORY_ROLES = ("section", "level1", "level2")
NUMBER_ROLES = ("weight", "score")  # one number each; the other cells of a row are text
MIN_CATEGORY_START = 4  # characters of a category's start wrapped over lines that tell it from text
MAX_ROW_END = 8  # pieces of a row's end printed after its numbers, before the next row's categories
GOAL_COLUMNS = {"goal": (0, 1), "expected": (1, 3), "actual": (4, 4)}  # role -> (col, colspan)
RATE_TOLERANCE = 0.1  # percent points a printed 执行率 may differ from 全年执行数/全年预算数 (rounding)
MAX_CATEGORY_PIECES = 8  # a label wrapped one or two characters per line
MIN_FUNDING_HEADS = 3  # funding heads that open the funding block without their 项目资金 label
MAX_VALUE_LINES = 3  # lines a wrapped 项目名称 / 主管部门 / 实施单位 value may go on over

FUNDING_UNITS = ("(万元)", "(元)")  # as `key` prints them
HEAD_UNITS = ("(%)", *FUNDING_UNITS)  # a funding head's unit, wrapped onto a line of its own
_LATIN_GAP = re.compile(r"(?<=[A-Za-z])\s+(?=[A-Za-z])")


@dataclass
class Line:
    text: str
    number: int  # 1-based line of the file
    page: int
    page_break: bool  # first line after a page break

    def cell(self, source: str, col: int, text: str, colspan: int = 1) -> Cell:
        """A cell that starts on this line; its provenance names it."""
        cell_id = f"L{self.number}c{col}"
        prov = {"source": source, "page": self.page, "line": self.number, "cell": cell_id}  # validated with the cell
        return Cell(id=cell_id, col=col, colspan=colspan, text=text, prov=prov)


@dataclass
class Piece:
    """A cell or a wrapped part of one: a whitespace-separated part of a line, or several joined."""

    text: str
    line: Line
    first: bool  # opens its line
    last: bool  # ends its line

    @cached_property
    def key(self) -> str:
        return key(self.text)

    @property
    def indented(self) -> bool:
        return self.first and self.line.text[:1].isspace()


def split_pieces(lines: list[Line]) -> list[Piece]:
    pieces = []
    for line in lines:
        # spaces between Latin words belong to the text ("Windows Server"); other spaces separate cells
        parts = _spaced_labels(_LATIN_GAP.sub("\u00a0", strip_debris(line.text)).split())
        for n, part in enumerate(parts):
            pieces.append(Piece(part.replace("\u00a0", " "), line, n == 0, n == len(parts) - 1))
    return pieces


def _spaced_labels(parts: list[str]) -> list[str]:
    """Parts of a line that spell one of the form's labels only together ('全年 执行数', '总 分') are one
    label with spaces inside; parts that are words of their own stay apart."""
    known = labels.all_labels()
    out: list[str] = []
    i = 0
    while i < len(parts):
        for n in (4, 3, 2):
            group = parts[i:i + n]
            if len(group) == n and key("".join(group)) in known and not any(key(p) in known for p in group):
                out.append("".join(group))
                i += n
                break
        else:
            out.append(parts[i])
            i += 1
    return out


def join(pieces: list[Piece]) -> str:
    out = ""
    for n, piece in enumerate(pieces):
        if n:
            out += " " if piece.line is pieces[n - 1].line else "\n"
        out += piece.text
    return out


def merge(pieces: list[Piece]) -> Piece:
    return Piece(join(pieces), pieces[0].line, pieces[0].first, pieces[-1].last)


def is_value(piece: Piece) -> bool:
    return piece.key in BLANKS or try_number(piece.text) is not None


def is_number(piece: Piece) -> bool:
    return try_number(piece.text) is not None


@dataclass
class Draft:
    cells: dict[int, tuple[int, list[Piece]]] = field(default_factory=dict)  # col -> (colspan, pieces)
    unsure: str | None = None  # why its pieces may belong to other cells (`Row.unsure`)

    def add(self, col: int, pieces: list[Piece], span: int = 1) -> None:
        if pieces:
            _, old = self.cells.get(col, (span, []))
            self.cells[col] = (span, old + pieces)

    def to_row(self, source: str) -> Row:
        first = min((pieces[0] for _, pieces in self.cells.values()), key=lambda p: p.line.number)
        cells = []
        for col in sorted(self.cells):
            span, pieces = self.cells[col]
            cells.append(pieces[0].line.cell(source, col, join(pieces), span))
        return Row(cells=cells, page=first.line.page, line=first.line.number,
                   page_break_before=first.line.page_break and first.first, unsure=self.unsure)


Block = tuple[tuple[str, ...], bool]  # consecutive cells of an indicator row: (roles, whether numbers)


def row_blocks(roles: list[str]) -> list[Block]:
    """The cells of an indicator row after its categories, in printed order, as runs of text cells and
    runs of number cells; the deviation, free text up to the next row, is no block."""
    blocks: list[Block] = []
    for role in roles:
        if role in CATEGORY_ROLES or role == "deviation":
            continue
        numeric = role in NUMBER_ROLES
        if blocks and blocks[-1][1] == numeric:
            blocks[-1] = (blocks[-1][0] + (role,), numeric)
        else:
            blocks.append(((role,), numeric))
    return blocks


STANDARD_BLOCKS = row_blocks(list(INDICATOR_ROLES))


@dataclass
class _Fields:
    """The text pieces of an indicator row, per run of text cells, grouped once its whole table is read."""

    draft: Draft
    texts: list[tuple[tuple[str, ...], list[Piece]]]  # (roles, pieces) per text block
    previous: _Fields | None  # the row before, when leading extra pieces may be the end of its text
    cols: dict[str, int]  # the columns of the row's own table (a file mixes tables of 8 and 9 columns)
    full_score: bool | None  # 得分 = 分值 as printed (None: not both printed)
    after: list[Piece] = field(default_factory=list)  # the text after the row's numbers
    cells: dict[str, list[Piece]] = field(default_factory=dict)  # role -> its pieces, once grouped
    choices: tuple[list[Grouping], list[int]] | None = None  # its first block's other groupings, with widths


def rebuild_rows(lines: list[Line], source: str) -> list[Row]:
    if not lines:
        return []
    return [draft.to_row(source) for draft in _Rebuilder(split_pieces(lines)).run()]


class _Rebuilder:
    def __init__(self, pieces: list[Piece]) -> None:
        self.p = pieces
        self.i = 0
        self.drafts: list[Draft] = []
        self.section: str | None = None
        self.cols = {role: n - 1 for n, role in enumerate(INDICATOR_ROLES)}  # standard grid, no 绩效指标 column
        self.blocks = STANDARD_BLOCKS
        self.funding_roles = [role for role in labels.roles_in("funding_header") if role != "funding"]
        self.funding_lead = 0  # leading funding columns the form leaves blank (年初预算数), once a rate shows it
        self.pending: tuple[int, str] | None = None  # (col, key) of a category cut by a page break
        self.funding_begun = ""  # the start of the 项目资金 label printed above a page break
        self.tables: list[list[_Fields]] = [[]]  # indicator rows awaiting their fields, per table
        self.categories = labels.categories()

    # ------------------------------------------------------------------ dispatch

    def run(self) -> list[Draft]:
        steps = (self._title, self._year, self._info, self._funding_header, self._funding_row, self._goal,
                 self._indicator_header, self._total, self._grade, self._indicator_row)
        while self.i < len(self.p):
            start = self.i
            for step in steps:
                if step():
                    break
            if self.i == start:  # nothing recognized: keep the line as it is
                self._emit_line()
        self._place_fields()
        return [d for d in self.drafts if d.cells]

    def _opens_row(self, i: int) -> bool:
        """Whether piece i opens a labelled row (used to stop free text)."""
        k = self.p[i].key
        rest = self._line_key(i)
        return (labels.is_title(rest) or self._is_year(rest) or labels.leading_role(k, "info") is not None
                or self._funding_header_ahead(i) or self._goal_ahead(i)
                or self._indicator_header_ahead(i) or labels.is_label(k, "total") or labels.is_label(k, "grade"))

    def _line_key(self, i: int) -> str:
        line = self.p[i].line
        out = ""
        while i < len(self.p) and self.p[i].line is line:
            out += self.p[i].key
            i += 1
        return out

    def _line_end(self, i: int) -> int:
        line = self.p[i].line
        while i < len(self.p) and self.p[i].line is line:
            i += 1
        return i

    def _label(self, i: int, group: str, begun: str = "") -> tuple[str | None, int]:
        """The role of a label of `group` at piece i, printed whole or wrapped over lines of their own
        ("年初预" / "算数", "项目资" / "金（万" / "元）"), or its rest where `begun` printed its start above a
        page break, and the index after it; (None, i) when none starts there."""
        role = labels.role_of(begun + self.p[i].key, group)
        if role is not None:
            return role, i + 1
        spelled = label_spellings(group)
        acc = begun
        for j in range(i, min(len(self.p), i + MAX_CATEGORY_PIECES)):
            acc += self.p[j].key
            if acc in spelled:
                return spelled[acc], j + 1
            if not any(s.startswith(acc) for s in spelled):
                # the last line may carry the label's decoration on: "金（万"
                role = labels.role_of(acc, group) if any(acc.startswith(s) for s in spelled) else None
                return (role, j + 1) if role is not None else (None, i)
        return None, i

    def _unit_at(self, i: int, label: list[Piece]) -> int:
        """The index after the funding unit that follows the 项目资金 label at piece i ("（万元）", wrapped
        "（万" / "元）", begun inside the label "金（万", or cut short by a page break "（元"), else i."""
        k = "".join(p.key for p in label)
        start = k[k.rfind("("):] if open_parens(k) > 0 else ""
        unit, j = start, i
        while j < min(len(self.p), i + 3) and unit not in FUNDING_UNITS:
            longer = unit + self.p[j].key
            if not any(u.startswith(longer) for u in FUNDING_UNITS):
                break
            unit, j = longer, j + 1
        return j  # a lone "(" too: a page break printed the rest of the unit below ("万元)")

    def _emit(self, *cells: tuple[int, int, list[Piece]]) -> None:
        draft = Draft()
        for col, span, pieces in cells:
            draft.add(col, pieces, span)
        self.drafts.append(draft)

    def _emit_line(self) -> None:
        end = self._line_end(self.i)
        self._emit((0, 1, self.p[self.i:end]))
        self.i = end

    @staticmethod
    def _is_year(k: str) -> bool:
        return labels.year_of(k) is not None and len(k) <= 12

    # ------------------------------------------------------------------ heading rows

    def _title(self) -> bool:
        if not labels.is_title(self._line_key(self.i)):
            return False
        self._emit_line()
        self.section = None
        self.pending = None
        return True

    def _year(self) -> bool:
        if not self._is_year(self._line_key(self.i)):
            return False
        self._emit_line()
        return True

    def _info(self) -> bool:
        """项目名称 X / 主管部门 A 实施单位 B: each label opens a cell, the text after it is its value; a label
        ending its line takes its value from the next line (which may hold the next label and value), and
        a value goes on over the lines that follow it up to the next labelled row (a long name wraps)."""
        if labels.leading_role(self.p[self.i].key, "info") is None:
            return False
        end = self._line_end(self.i)
        cells: list[list[Piece]] = []
        after_label = False
        wrapped = 0
        while True:
            for piece in self.p[self.i:end]:
                is_label = labels.role_of(piece.key, "info") is not None
                if is_label or after_label or not cells:
                    cells.append([piece])
                else:
                    cells[-1].append(piece)
                after_label = is_label
            self.i = end
            if self.i >= len(self.p) or self._opens_row(self.i) or (
                    not after_label and (wrapped == MAX_VALUE_LINES or not self._value_goes_on(self.i))):
                break
            end = self._line_end(self.i)  # the value on the next line, or the rest of it
            if after_label:
                cells.append([])
            wrapped = 0 if after_label else wrapped + 1
            after_label = False
        self._emit(*[(col, 1, pieces) for col, pieces in enumerate(cells)])
        return True

    def _value_goes_on(self, i: int) -> bool:
        """Whether the line at piece i may be the rest of the value above: on its page, and no label or
        the start of one (a label the page break cut, "项目资")."""
        known = labels.all_labels()
        end = self._line_end(i)
        return (not self.p[i].line.page_break and not any(p.key in known for p in self.p[i:end])
                and not any(label.startswith(self.p[i].key) for label in known))

    # ------------------------------------------------------------------ funding

    def _funding_header(self) -> bool:
        """项目资金 (its unit) and the heads of the funding columns; the heads alone where a page break cut
        the merged 项目资金 cell and printed its text below (it then joins the funding rows)."""
        start = self.i
        role, end = self._label(self.i, "funding_header", self.funding_begun if self.section == "funding" else "")
        if role == "funding":
            self.funding_begun = ""
            end = self._unit_at(end, self.p[self.i:end])
            label, self.i = self.p[self.i:end], end
        elif self.section != "funding" and (role is not None or self._funding_label_begins(self.i)):
            label = [] if role is not None else [self.p[self.i]]
            self.i += role is None
        else:
            return False
        heads, roles = self._funding_heads(self.i)
        self.i = heads[-1][-1] + 1 if heads else self.i
        heads = [self.p[a:b + 1] for a, b in heads]
        if role != "funding" and len(heads) < MIN_FUNDING_HEADS:
            self.i = start
            return False
        if role is None:
            self.funding_begun = label[0].key  # the label's rest follows the page break
        if not heads and self.section == "funding":  # the label below a page break: the heads stand
            self._emit((0, 2, label))
            return True
        self.funding_roles, self.funding_lead = roles or self.funding_roles, 0
        self._emit((0, 2, label), *[(2 + n, 1, h) for n, h in enumerate(heads)])
        self.section = "funding"
        return True

    def _funding_heads(self, i: int) -> tuple[list[tuple[int, int]], list[str]]:
        """The funding heads from piece i on (first and last piece of each, a unit wrapped below its head
        included: "执行率" / "(%)") and their roles."""
        heads, roles = [], []
        while i < len(self.p):
            role, end = self._label(i, "funding_header")
            if role in (None, "funding"):
                break
            if end < len(self.p) and self.p[end].key in HEAD_UNITS:
                end += 1
            heads.append((i, end - 1))
            roles.append(role)
            i = end
        return heads, roles

    def _funding_header_ahead(self, i: int) -> bool:
        """Whether the funding header starts at piece i: its 项目资金 label, or heads enough (the label
        moved or cut by a page break)."""
        if self._label(i, "funding_header")[0] == "funding":
            return True
        start = i + self._funding_label_begins(i)
        return len(self._funding_heads(start)[0]) >= MIN_FUNDING_HEADS

    def _funding_label_begins(self, i: int) -> bool:
        """Whether piece i is the start of the 项目资金 label, cut there by a page break ("项目")."""
        k = self.p[i].key
        return any(s.startswith(k) and s != k for s, role in label_spellings("funding_header").items()
                   if role == "funding")

    def _funding_row(self) -> bool:
        """A funding row label (possibly wrapped: 其中：当年财政 / 拨款) followed by its numbers."""
        if self.section != "funding":
            return False
        j, label = self.i, []
        while j < len(self.p) and not is_value(self.p[j]) and len(label) < 4:
            label.append(self.p[j])
            j += 1
        if not label or labels.role_of("".join(p.key for p in label), "funding_rows") is None:
            return False
        values = []
        while j < len(self.p) and is_value(self.p[j]) and len(values) < len(self.funding_roles):
            values.append(self.p[j])
            j += 1
        self.i = j
        lead = self._funding_lead(values)
        self._emit((1, 1, label), *[(2 + lead + n, 1, [v]) for n, v in enumerate(values)])
        return True

    def _funding_lead(self, values: list[Piece]) -> int:
        """How many leading columns a funding row with fewer values than heads leaves blank: a blank cell
        prints nothing here, and a blank 年初预算数 would move every amount one column left. The row's rate
        tells, where one placing alone puts a percent, or 全年执行数/全年预算数, under 执行率; rows without
        one follow the form's rows that had one."""
        missing = len(self.funding_roles) - len(values)
        if missing <= 0:
            return 0
        fitting = [lead for lead in range(missing + 1) if self._rate_fits(values, lead)]
        if len(fitting) == 1:
            self.funding_lead = fitting[0]
        return min(self.funding_lead, missing)

    def _rate_fits(self, values: list[Piece], lead: int) -> bool:
        at = {role: values[n - lead] for n, role in enumerate(self.funding_roles) if 0 <= n - lead < len(values)}
        rate = at.get("execution_rate")
        if rate is None:
            return False
        if rate.text.strip().endswith("%"):
            return True
        numbers = [try_number(at[role].text) if role in at else None for role in ("executed", "annual_budget")]
        shown = try_number(rate.text)
        if shown is None or None in numbers or not numbers[1]:
            return False
        return abs(100 * numbers[0] / numbers[1] - shown) <= RATE_TOLERANCE

    # ------------------------------------------------------------------ goals

    def _goal_ahead(self, i: int) -> bool:
        return self._label(i, "goal_header")[0] is not None

    def _goal(self) -> bool:
        """年度 / 总体 / 目标, 预期目标 实际完成情况, then the two goal texts, one after the other; or 年度目标,
        its text, 实际完成情况, its text (one row, as the form prints it)."""
        if not self._goal_ahead(self.i):
            return False
        header = self._goal_labels()
        texts = self._goal_lines()
        labelled = [role for role in ("expected", "actual") if role in header]
        if len(labelled) == 1:
            cells = [*header.values(), texts]
            while self.i < len(self.p) and self._label(self.i, "goal_header")[0] in ("expected", "actual"):
                more = self._goal_labels()
                if set(more) & set(labelled):
                    break
                labelled += list(more)
                cells += [*more.values(), self._goal_lines()]
            self._emit(*[(n, 1, pieces) for n, pieces in enumerate(cells)])
        else:
            self._emit(*[(*GOAL_COLUMNS[role], pieces) for role, pieces in header.items()])
            self._emit(*[(*GOAL_COLUMNS[role], text)
                         for role, text in zip(("expected", "actual"), self._two_goals(texts))])
        self.section = "goal"
        return True

    def _two_goals(self, lines: list[Piece]) -> tuple[list[Piece], list[Piece]]:
        """The 预期目标 and the 实际完成情况 printed one after the other, maybe each cut with its end printed
        after both (a last line of two texts, '门处置。 管部门处置。', holds both ends)."""
        ends = [p for p in self.p[max(0, self.i - 3):self.i] if lines and p.line is lines[-1].line]  # read just now
        two_ends = len(lines) > 2 and len(ends) == 2
        expected, actual = split_paragraphs(lines[:-1] if two_ends else lines)
        return goal_ends(expected, actual + ends if two_ends else actual, two_ends)

    def _goal_labels(self) -> dict[str, list[Piece]]:
        header: dict[str, list[Piece]] = {}
        while self.i < len(self.p):
            role, end = self._label(self.i, "goal_header")
            if role is None or role in header:
                break
            header[role], self.i = self.p[self.i:end], end
        return header

    def _goal_lines(self) -> list[Piece]:
        """The goal text's lines up to the next labelled row, each line one piece."""
        lines: list[Piece] = []
        while self.i < len(self.p) and not self._opens_row(self.i):
            end = self._line_end(self.i)
            lines.append(merge(self.p[self.i:end]))
            self.i = end
        return lines

    # ------------------------------------------------------------------ indicator table

    def _header_roles(self, i: int) -> tuple[list[tuple[str, list[Piece]]], int]:
        """The indicator header labels starting at piece i (a label may wrap over pieces) and the index
        after the last piece that completed one."""
        spelled = header_spellings()
        found: list[tuple[str, list[Piece]]] = []
        complete, end = 0, i
        acc, acc_pieces = "", []
        for j in range(i, len(self.p)):
            acc += self.p[j].key
            acc_pieces.append(self.p[j])
            while acc:
                done = next(((s, role) for s, role in spelled if acc.startswith(s)), None)
                if done is None:
                    break
                found.append((done[1], acc_pieces))
                acc = acc[len(done[0]):]
                acc_pieces = [self.p[j]] if acc else []
            if not acc:
                complete, end = len(found), j + 1
            elif not any(s.startswith(acc) for s, _ in spelled):
                break
        return found[:complete], end

    def _indicator_header_ahead(self, i: int) -> bool:
        found, _ = self._header_roles(i)
        return len(found) >= 2 and found[0][0] in ("section", "level1")

    def _indicator_header(self) -> bool:
        found, end = self._header_roles(self.i)
        if len(found) < 2 or found[0][0] not in ("section", "level1"):
            return False
        self.blocks, self.cols = _table_grammar([role for role, _ in found])
        self._emit(*[(self.cols[role], 1, pieces) for role, pieces in found])
        self.i = end
        self.section = "indicators"
        self.tables.append([])
        return True

    def _total(self) -> bool:
        if not labels.is_label(self.p[self.i].key, "total"):
            return False
        label = self.p[self.i]
        self.i += 1
        values = []
        while self.i < len(self.p) and is_number(self.p[self.i]) and len(values) < 2:
            values.append(self.p[self.i])
            self.i += 1
        cols = [self.cols[role] for role in NUMBER_ROLES if role in self.cols]
        self._emit((0, 1, [label]), *[(col, 1, [v]) for col, v in zip(cols, values)])
        self.section = None
        return True

    def _grade(self) -> bool:
        if not labels.is_label(self.p[self.i].key, "grade"):
            return False
        label = self.p[self.i]
        self.i += 1
        value = []
        if self.i < len(self.p) and not self._opens_row(self.i):
            end = self._line_end(self.i)
            value = self.p[self.i:end]
            self.i = end
        self._emit((0, 1, [label]), (1, 1, value))
        self.section = None
        return True

    # ------------------------------------------------------------------ indicator rows

    def _category_at(self, i: int) -> bool:
        """Whether a whole category label (possibly wrapped over pieces, possibly with its points) starts
        at piece i."""
        acc = ""
        for piece in self.p[i:i + MAX_CATEGORY_PIECES]:
            acc += piece.key
            goes_on, whole = category_state(acc, self.categories)
            if whole:
                return True
            if not goes_on:
                return False
        return False

    def _ends_table(self, i: int) -> bool:
        k = self.p[i].key
        return labels.is_label(k, "total") or labels.is_label(k, "grade") or labels.is_title(self._line_key(i))

    def _unit_below(self, i: int) -> bool:
        """Whether piece i is a bracketed unit printed under a number alone on its line ("10369.00" /
        "(条)"): a wrapped value; after numbers that share a line ("15.00 15.00" / "(天) 天)") it is the
        end of a wrapped cell, printed after the row."""
        piece = self.p[i]
        return (piece.first and piece.key[:1] == "(" and open_parens(piece.text) == 0
                and i > 0 and self.p[i - 1].first and self.p[i - 1].last)

    def _number_run(self, i: int) -> int:
        """Bare numbers from piece i on; a number with its unit printed under it is a value, not one."""
        j = i
        while j < len(self.p) and is_number(self.p[j]) and not (j + 1 < len(self.p) and self._unit_below(j + 1)):
            j += 1
        return j - i

    def _numbers_ahead(self, i: int) -> bool:
        """Whether the row's first run of number cells follows before the next category or the end of the
        table: then the line at i opens the next indicator row rather than continuing the deviation text."""
        wanted = next((len(roles) for roles, numeric in self.blocks if numeric), 2)
        for j in range(i, min(len(self.p), i + 60)):
            if j > i and self.p[j].first and (self._ends_table(j) or self._category_at(j)):
                return False
            if self._number_run(j) >= wanted:
                return True
        return False

    def _indicator_row(self) -> bool:
        if self.section != "indicators":
            return False
        if self._continue_category():
            return True
        draft = Draft()
        self._end_previous_row()
        categories = self._read_categories()
        for col, pieces in self._place_categories(categories):
            draft.add(col, pieces)
        texts, numbers, complete = self._read_fields(bool(categories))
        if complete and categories:
            self._end_category(draft)
        deviation = self._read_deviation() if complete and "deviation" in self.cols else []
        if complete and categories and deviation:
            deviation = self._end_category_after_deviation(draft, deviation)
        table = self.tables[-1]
        previous = table[-1] if table and not categories and self.drafts and table[-1].draft is self.drafts[-1] \
            and self.cols["score"] in table[-1].draft.cells else None
        printed = {role: try_number(piece.text) for role, piece in numbers}
        full = printed["weight"] == printed["score"] if None not in (printed.get("weight"), printed.get("score")) \
            else None
        table.append(_Fields(draft, texts, previous, self.cols, full, deviation))
        for role, piece in numbers:
            draft.add(self.cols[role], [piece])
        self.drafts.append(draft)
        return True

    def _end_previous_row(self) -> None:
        """Lines before a category that opens its line are the end of the row before (its cells' ends,
        printed after its numbers), not the start of this row: a row opens with its categories."""
        table = self.tables[-1]
        if not table or self._category_opens(self.i):
            return
        for j in range(self.i + 1, min(len(self.p), self.i + MAX_ROW_END)):
            if is_number(self.p[j]) or self._ends_table(j):
                return
            if self._category_opens(j):
                table[-1].after += self.p[self.i:j]
                self.i = j
                return

    def _category_opens(self, i: int) -> bool:
        """Whether a category opens its line at piece i: whole, or wrapped over lines of its own into a
        start of one at least MIN_CATEGORY_START characters long ('生态' / '环境' / '成本', printed short)."""
        if not self.p[i].first:
            return False
        if self._category_at(i):
            return True
        acc, j = "", i
        while j < len(self.p) and self.p[j].first and self.p[j].last and \
                acc + self.p[j].key in self.categories.prefixes:
            acc += self.p[j].key
            j += 1
        return j - i >= 2 and len(acc) >= MIN_CATEGORY_START

    def _place_fields(self) -> None:
        """The text cells of every indicator row, grouped with the widths of their table's columns; then the
        text after each row's numbers read as its deviation or as the ends of its wrapped cells."""
        for table in self.tables:
            for block in range(max((len(row.texts) for row in table), default=0)):
                rows = [row for row in table if block < len(row.texts)]
                options = [groupings(row.texts[block][1], len(row.texts[block][0])) for row in rows]
                widths = column_widths(options, max(len(row.texts[block][0]) for row in rows))
                for row, grouping in zip(rows, options):
                    roles, pieces = row.texts[block]
                    groups = choose(grouping, widths) if grouping else joined_wraps(pieces)
                    extra = len(groups) - len(roles)
                    if block == 0 and row.previous is not None and narrow_wraps(groups):
                        row.draft.unsure = ("its lines wrap narrower than a line of the form's columns, and the "
                                            "first of them may end the row above")
                    if extra > 0 and block == 0 and row.previous is not None:
                        # the leading lines are the end of the row before: its deviation, or its cells' tails
                        row.previous.after += [p for g in groups[:extra] for p in g]
                        groups = groups[extra:]
                    elif extra > 0:
                        groups = [[p for g in groups[:extra + 1] for p in g]] + groups[extra + 1:]
                    elif block == 0 and len(grouping) > 1:
                        row.choices = (grouping, widths)
                    row.cells.update(zip(roles, groups))
            for row in table:
                cells = self._read_row(row)
                for role, pieces in cells.items():
                    row.draft.add(row.cols[role], pieces)

    @staticmethod
    def _read_row(row: _Fields) -> dict[str, list[Piece]]:
        """The row's cells with the text after its numbers; where that text may end wrapped cells, the
        first block's grouping chosen together with it (the ends that make the target and the actual
        alike tell how the lines before the numbers group)."""
        has_deviation = "deviation" in row.cols
        if row.choices is None or not row.after:
            return read_after(row.cells, row.after, has_deviation, row.full_score)[0]
        options, widths = row.choices
        roles = row.texts[0][0]
        scored = []
        for grouping in options:
            cells, cost = read_after(row.cells | dict(zip(roles, grouping)), row.after, has_deviation, row.full_score)
            scored.append((cost + grouping_cost(grouping, widths), list(cells.values()), cells))
        return least_costly(scored)

    def _continue_category(self) -> bool:
        """The rest of a category cut by a page break ("质量" | "指标") becomes a fragment row."""
        if self.pending is None:
            return self._category_rest()
        col, taken = self._pending_rest()
        if not taken:
            return False
        self._emit((col, 1, taken))
        return True

    def _end_category(self, draft: Draft) -> None:
        """The end of the row's category printed after its numbers, with the ends of its other wrapped
        cells ("生态" / "环境" / "成" … numbers … "本指" / "标"): it completes the category cell."""
        if self.pending is not None:
            col, taken = self._pending_rest(alone=True)
            draft.add(col, taken)

    def _end_category_after_deviation(self, draft: Draft, deviation: list[Piece]) -> list[Piece]:
        """The row's text after its numbers without the end of a category, printed after the start of its
        偏差原因 (the ends of the row's cells on a line of their own, the categories' first: '财政年初未' /
        '分） 安排资金' for '产出指标（50' … '分）'): the end of a label cut short, or of its points, or
        points printed apart from a whole label; it completes its category cell."""
        if self.pending is not None:
            begun = [self.pending]
        else:
            begun = [(col, "".join(p.key for p in draft.cells[col][1]))
                     for col in (self.cols["level1"], self.cols["level2"]) if col in draft.cells]
        page = deviation[0].line.page
        for col, acc in begun:
            for k in range(len(deviation)):
                if deviation[k].first and (n := self._completion(acc, deviation[k:], page)):
                    draft.add(col, deviation[k:k + n])
                    self.pending = None
                    return deviation[:k] + deviation[k + n:]
        return deviation

    def _pending_rest(self, alone: bool = False) -> tuple[int, list[Piece]]:
        """The pieces from here on that complete the category cut short (taken, if they do); `alone`:
        each opening its line on the page of the piece before (the end of a cell printed after its row,
        not the rest of a category a page break cut, which makes a fragment row)."""
        col, acc = self.pending
        page = (self.p[self.i - 1].line.page if self.i else None) if alone else None
        n = self._completion(acc, self.p[self.i:self.i + MAX_CATEGORY_PIECES], page)
        if not n:
            return col, []
        taken = self.p[self.i:self.i + n]
        self.i += n
        self.pending = None
        return col, taken

    def _completion(self, acc: str, pieces: list[Piece], page: int | None) -> int:
        """How many of the pieces, from the first, complete the category begun as `acc` (its label or
        its points); 0 if they do not. `page`: only pieces that open their line on that page."""
        n = 0
        for piece in pieces:
            if page is not None and not (piece.first and piece.line.page == page):
                break
            if not category_state(acc + piece.key, self.categories)[0]:
                break
            acc += piece.key
            n += 1
        return n if n and category_state(acc, self.categories)[1] else 0

    def _category_rest(self) -> bool:
        """Right after a page break, the rest of a category printed before it ('产出指' | '标'), its start
        read with an earlier row, becomes a fragment row."""
        end = self._category_rest_end(self.i)
        if end == self.i:
            return False
        acc = "".join(p.key for p in self.p[self.i:end])
        level1 = all(term in self.categories.level1 for term in self.categories.terms if term.endswith(acc))
        self._emit((self.cols["level1" if level1 else "level2"], 1, self.p[self.i:end]))
        self.i = end
        return True

    def _category_rest_end(self, i: int) -> int:
        piece = self.p[i]
        if not (piece.line.page_break and piece.first) or self._category_at(i):
            return i
        acc, j = "", i
        while j < len(self.p) and j < i + MAX_CATEGORY_PIECES and acc + self.p[j].key in self.categories.suffixes:
            acc += self.p[j].key
            j += 1
        return j

    def _read_categories(self) -> list[list[Piece]]:
        """Up to two categories, each possibly wrapped over pieces (满意 / 度指 / 标) and printed with its
        points."""
        found: list[list[Piece]] = []
        while len(found) < 2 and self.i < len(self.p):
            acc, pieces, complete = "", [], 0
            j = self.i
            while j < len(self.p) and category_state(acc + self.p[j].key, self.categories)[0]:
                acc += self.p[j].key
                pieces.append(self.p[j])
                j += 1
                if category_state(acc, self.categories)[1]:
                    complete = len(pieces)
            if not complete and len(acc) < 2:
                break  # a lone character is text, not a category cut short
            # a whole label whose points a wrap cut ('产出指标（50', the rest printed after the row) takes them
            points_begun = complete and "".join(p.key for p in pieces[complete:])[:1] == "("
            take = len(pieces) if points_begun else complete or len(pieces)
            found.append(pieces[:take])
            self.i += take
            if not complete and not self._category_at(self.i):
                break  # a category cut short ("质量" before a page break) ends the category cells
        return found

    def _place_categories(self, found: list[list[Piece]]) -> list[tuple[int, list[Piece]]]:
        if not found:
            return []
        cats = self.categories
        last_key = labels.points_of("".join(p.key for p in found[-1]))[0]
        if len(found) == 2:
            placed = [(self.cols["level1"], found[0]), (self.cols["level2"], found[1])]
        else:
            candidates = cats.completions(last_key)
            level1_only = bool(candidates) and all(c not in cats.level2 for c in candidates)
            placed = [(self.cols["level1" if level1_only else "level2"], found[0])]
        self.pending = None if last_key in cats.terms else (placed[-1][0], last_key)
        for col, pieces in placed:  # a category whose printed points were cut ends like a label cut short
            printed = "".join(p.key for p in pieces)
            if "(" in printed and printed[:printed.find("(")] in cats.terms and not category_state(printed, cats)[1]:
                self.pending = (col, printed)
                break
        return placed

    def _read_fields(self, has_categories: bool) -> tuple[list[tuple[tuple[str, ...], list[Piece]]],
                                                          list[tuple[str, Piece]], bool]:
        """The row's cells block by block: the text pieces of each text block, the numbers, and whether
        every number block was found (a row cut short by the next row or the table's end is not)."""
        texts: list[tuple[tuple[str, ...], list[Piece]]] = []
        numbers: list[tuple[str, Piece]] = []
        final = max(n for n, (_, numeric) in enumerate(self.blocks) if numeric)
        for n, (roles, numeric) in enumerate(self.blocks):
            if not numeric:
                texts.append((roles, []))
                continue
            started = has_categories or bool(numbers) or any(pieces for _, pieces in texts)
            found = self._read_until_numbers(texts[-1][1] if texts else [], len(roles), n == final, started)
            if found is None:
                return texts, numbers, False
            numbers += zip(roles, found)
        return texts, numbers, True

    def _read_until_numbers(self, texts: list[Piece], count: int, final: bool, started: bool) -> list[Piece] | None:
        """Text pieces (into `texts`) up to a run of at least `count` bare numbers, of which the row's last
        number cells are the last ones (the numbers before them are values of the text cells: a target
        of 100) and other number cells the first ones."""
        while self.i < len(self.p):
            if self.p[self.i].first and (texts or started) and (self._ends_table(self.i) or self._category_at(self.i)):
                return None
            run = self._number_run(self.i)
            if run >= count:
                if not final:
                    self.i += count
                    return self.p[self.i - count:self.i]
                numbers = self.p[self.i:self.i + run]
                self.i += run
                texts += numbers[:-count]
                return numbers[-count:]
            texts.append(self._take_wrapped_value())
        return None

    def _take_wrapped_value(self) -> Piece:
        """One piece, joined with the pieces that close its bracket ("≤441.55(万" / "元)") or with a
        bracketed unit printed under a number ("10369.00" / "(条)")."""
        pieces = [self.p[self.i]]
        self.i += 1
        while (self.i < len(self.p) and open_parens(join(pieces)) > 0 and len(pieces) < 4
               and not self._ends_table(self.i) and not self._opens_value(self.i)):
            pieces.append(self.p[self.i])
            self.i += 1
        if self.i < len(self.p) and is_number(pieces[-1]) and self._unit_below(self.i):
            pieces.append(self.p[self.i])
            self.i += 1
        return merge(pieces) if len(pieces) > 1 else pieces[0]

    def _opens_value(self, i: int) -> bool:
        """Whether piece i is a value of its own after a bracket left open: a bare number, or a value on
        the bracket's line ("=1.00(" "1.00(个)"); the bracket's end is a tail printed later."""
        piece = self.p[i]
        return is_number(piece) or not piece.first and (piece.key[:1].isdigit() or measure_like(piece))

    def _cut_category_at(self, i: int) -> bool:
        """Whether the start of a category cut short ('产出' / '指', the rest printed past a page break)
        begins at piece i, followed by a whole category."""
        acc, j = "", i
        while j < len(self.p) and j < i + MAX_CATEGORY_PIECES and acc + self.p[j].key in self.categories.prefixes:
            acc += self.p[j].key
            j += 1
        return len(acc) >= 2 and acc not in self.categories.terms and j < len(self.p) and self._category_at(j)

    def _read_deviation(self) -> list[Piece]:
        pieces: list[Piece] = []
        while self.i < len(self.p):
            if self.p[self.i].first and (self._ends_table(self.i) or self._category_at(self.i)
                                         or self._cut_category_at(self.i) or self._category_rest_end(self.i) > self.i
                                         or self._numbers_ahead(self.i)):
                break
            pieces.append(self.p[self.i])
            self.i += 1
        return pieces


def _table_grammar(header: list[str]) -> tuple[list[Block], dict[str, int]]:
    """The blocks and columns of the rows under an indicator header (its roles, in printed order). A
    header that is not its categories, then the 三级指标 and the other cells with a 得分 among them, leaves
    the standard grammar."""
    offset = 0 if "section" in header else -1
    categories = list(CATEGORY_ROLES[-offset:])
    blocks = row_blocks(header)
    if (len(set(header)) == len(header) and header[:len(categories)] == categories and "score" in header
            and blocks and not blocks[0][1] and blocks[0][0][0] == "name"):
        return blocks, {role: n for n, role in enumerate(header)}
    return STANDARD_BLOCKS, {role: n + offset for n, role in enumerate(INDICATOR_ROLES)}


_POINTS_BEGUN = re.compile(r"^\((\d+(\.\d*)?(分\)?)?)?$")  # '(', '(40', '(40分', '(40分)'
_POINTS_WHOLE = re.compile(r"^\(\d+(\.\d+)?分\)$")


def category_state(acc: str, categories: labels.Categories) -> tuple[bool, bool]:
    """Whether the pieces read so far (`acc`, keys joined) may be the start of a category label printed
    with or without its points ('满意度指' / '标(10' / '分)'), and whether they are a whole one."""
    cut = acc.find("(")
    label, points = (acc, "") if cut < 0 else (acc[:cut], acc[cut:])
    if not points:
        return label in categories.prefixes, label in categories.terms
    if label not in categories.terms or not _POINTS_BEGUN.match(points):
        return False, False
    return True, bool(_POINTS_WHOLE.match(points))


@cache
def label_spellings(group: str) -> dict[str, str]:
    """spelling -> role of a label group."""
    return {s: role for role in labels.roles_in(group) for s in labels.spellings(group, role)}


@cache
def header_spellings() -> list[tuple[str, str]]:
    """(spelling, role) of the indicator header, longest first; a spelling that only abbreviates a longer
    one of its role is left out, so a wrapped label is read whole."""
    out = []
    for role in INDICATOR_ROLES:
        variants = labels.spellings("indicator_header", role)
        out += [(s, role) for s in variants if not any(v != s and v.startswith(s) for v in variants)]
    return sorted(out, key=lambda sr: -len(sr[0]))
