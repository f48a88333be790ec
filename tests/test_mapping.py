"""CellTable -> FormRecords: accuracy on the seed forms, independence from the source's grid, provenance,
and the debris of page breaks and OCR shifts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from docextract.evaluation import EvalResult, compare_records
from docextract.labels import key
from docextract.mapping import map_table
from docextract.model import Cell, CellTable, FormRecord, Provenance, Row
from docextract.sources.text_export import read_text_export
from docextract.values import try_number
from fixtures.form_grid import build_grid
from fixtures.style import LEDGER, PLAIN

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))


def gold(stem: str) -> list[dict]:
    return json.loads((FIXTURES / "gold" / f"{stem}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def mapped() -> dict[Path, tuple[CellTable, list[FormRecord]]]:
    out = {}
    for path in SEEDS:
        table = read_text_export(path)
        out[path] = (table, map_table(table))
    return out


def score(pairs: list[tuple[list[dict], list[FormRecord]]]) -> EvalResult:
    result = EvalResult()
    for expected, records in pairs:
        result.merge(compare_records(expected, [r.model_dump(mode="json") for r in records]))
    return result


def test_seed_forms_meet_the_accuracy_bar(mapped):
    result = score([(gold(path.name[:3]), records) for path, (_, records) in mapped.items()])
    assert result.gold_forms == result.found_forms == 47 and result.extra_forms == 0
    assert result.row_recall == 1.0 and result.extra_rows == 0
    assert result.accuracy >= 0.995, [m for m in result.mismatches][:10]


def test_records_name_their_source(mapped):
    for path, (table, records) in mapped.items():
        assert [r.id for r in records] == [f"{path.name[:3]}-{n:02d}" for n in range(1, len(records) + 1)]
        for record in records:
            assert record.source == str(path) and record.source_kind == "text"
            first, last = record.pages
            assert 1 <= first <= last <= table.pages
            assert record.unplaced == []


def test_provenance_points_at_the_cell_holding_the_value(mapped):
    for table, records in mapped.values():
        cells = {c.id: c for row in table.rows for c in row.cells}
        for record in records:
            data = record.model_dump()
            assert {"project_name", "funding.total.executed", "indicators[0].name", "indicators[0].score"} <= set(
                record.provenance)
            for path, prov in record.provenance.items():
                cell = cells[prov.cell]
                assert prov.line == cell.prov.line and prov.source == table.source
                value = _lookup(data, path)
                if isinstance(value, float):
                    assert try_number(cell.text) == value, path
                else:  # the cell's whole text, or the first part of a text joined across cells or pages
                    printed, value = key(cell.text), key(str(value))
                    assert value.startswith(printed) or value in printed, (path, cell.text, value)


def _lookup(data: dict, path: str):
    for part in path.replace("]", "").replace("[", ".").split("."):
        data = data[int(part)] if part.isdigit() else data[part]
    return data


def test_indicators_carry_parsed_measures(mapped):
    _, records = mapped[SEEDS[1]]
    first = records[0].indicators[0]
    assert (first.target_parsed.op, first.target_parsed.value, first.target_parsed.unit) == ("≤", 441.55, "万元")
    assert first.actual_parsed.value == 397.35


# ---------------------------------------------------------------------------- other grids

TOP = (0, 1, 3, 4, 6, 7, 9, 11, 13)  # rulings of the funding and goal blocks on a 13-column grid
BOTTOM = (0, 2, 3, 5, 6, 8, 10, 12, 13)  # rulings of the indicator block


def grid_table(records: list[dict], style) -> CellTable:
    """The gold forms as a born-digital source would grid them: merged cells with spans, and vertical
    rulings that differ between the funding and the indicator blocks."""
    rows: list[Row] = []
    for record in records:
        for text in ("财政项目支出绩效自评表", style.year_format.format(year=record["year"])):
            rows.append(Row(cells=[Cell(id=f"h{len(rows)}", col=0, colspan=13, text=text)]))
        grid, base = build_grid(FormRecord.model_validate(record), style), len(rows)
        cells: list[list[Cell]] = [[] for _ in range(grid.rows)]
        for c in grid.cells:
            ruling = BOTTOM if c.row >= (grid.header_row or grid.rows) else TOP
            start, end = ruling[c.col], ruling[c.col + c.colspan]
            cells[c.row].append(Cell(id=f"r{base + c.row}c{start}", col=start, colspan=end - start, rowspan=c.rowspan,
                                     text=c.text, prov=Provenance(source="x.pdf", page=1)))
        rows += [Row(cells=row, page=1) for row in cells]
    return CellTable(source="dev.digital.pdf", kind="digital", rows=rows)


@pytest.mark.parametrize("style", [LEDGER, PLAIN], ids=lambda s: s.name)
def test_grids_with_spans_and_other_rulings_map_the_same(style):
    pairs = [(gold(stem), map_table(grid_table(gold(stem), style))) for stem in ("000", "001", "002")]
    result = score(pairs)
    assert result.found_forms == 47 and result.extra_rows == 0 and result.row_recall == 1.0
    assert result.accuracy == 1.0, result.mismatches[:10]


# ---------------------------------------------------------------------------- hand-made tables

HEADER = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]


def table(*rows: list[str], breaks: tuple[int, ...] = ()) -> CellTable:
    """A small form: title, 项目名称, the indicator header, then the given indicator rows (tab columns)."""
    lines = [["财政项目支出绩效自评表"], ["(2024年度)"], ["项目名称", "", "测试项目"], HEADER, *rows]
    out = []
    for n, texts in enumerate(lines):
        cells = [Cell(id=f"L{n}c{c}", col=c, text=t, prov=Provenance(line=n)) for c, t in enumerate(texts) if t]
        out.append(Row(cells=cells, line=n, page_break_before=n - 4 in breaks))
    return CellTable(source="999_test.txt", kind="text", rows=out)


def indicators(t: CellTable) -> list[tuple]:
    (record,) = map_table(t)
    return [(i.level1, i.level2, i.name, i.target, i.actual, i.weight, i.score, i.deviation) for i in record.indicators]


def test_rows_shifted_by_ocr_are_put_back():
    rows = indicators(table(
        ["产出指标", "数量指标", "甲", "≥1个", "1个", "10", "10"],
        ["", "", "", "乙", "=2次", "2次", "20", "18", "未完成"],  # one column right
        ["满意度指标", "服务对象满意度指标", "丙", "≥90%", "95%", "10", "10"][1:] + [""],  # one column left
    ))
    assert rows == [
        ("产出指标", "数量指标", "甲", "≥1个", "1个", 10.0, 10.0, None),
        ("产出指标", "数量指标", "乙", "=2次", "2次", 20.0, 18.0, "未完成"),
        ("满意度指标", "服务对象满意度指标", "丙", "≥90%", "95%", 10.0, 10.0, None),
    ]


def test_page_break_debris_is_joined_or_dropped():
    rows = indicators(table(
        ["效益指标", "社会效益指标", "甲", "高", "高", "10", "10", "主要受"],
        ["", "生态", "乙", "好", "好", "5", "5"],
        ["", "效益指标"],  # after the break: the rest of the cut label
        ["", "可持续影响指标", "丙", "有", "有", "5", "5"],
        ["", "效益指标"],  # after the break: the merged level-1 cell printed again
        ["", "", "丁", "有", "有", "5", "5"],
        breaks=(2, 4),
    ))
    assert [r[:3] for r in rows] == [("效益指标", "社会效益指标", "甲"), ("效益指标", "生态效益指标", "乙"),
                                     ("效益指标", "可持续影响指标", "丙"), ("效益指标", "可持续影响指标", "丁")]


def test_a_label_printed_after_the_break_covers_the_row_before_it():
    rows = indicators(table(
        ["效益指标", "可持续影响指标", "甲", "有", "有", "5", "5"],
        ["", "", "乙", "≥85%", "90%", "5", "5"],
        ["满意度指标", "服务对象满意度指标"],
        ["", "", "丙", "≥85%", "90%", "5", "5"],
        breaks=(2,),
    ))
    assert [r[:3] for r in rows] == [("效益指标", "可持续影响指标", "甲"), ("满意度指标", "服务对象满意度指标", "乙"),
                                     ("满意度指标", "服务对象满意度指标", "丙")]


def test_a_repeated_header_and_text_continued_after_the_break():
    rows = indicators(table(
        ["产出指标", "质量指标", "甲", "稳定", "稳定", "10", "8", "受不可抗力"],
        HEADER,
        ["", "", "", "", "", "", "", "影响"],
        ["", "", "乙", "及时", "及时", "10", "10"],
        breaks=(1,),
    ))
    assert rows == [("产出指标", "质量指标", "甲", "稳定", "稳定", 10.0, 8.0, "受不可抗力影响"),
                    ("产出指标", "质量指标", "乙", "及时", "及时", 10.0, 10.0, None)]


def test_a_level2_label_under_the_wrong_level1_takes_its_parent():
    rows = indicators(table(
        ["效益指标", "社会效益指标", "甲", "高", "高", "10", "10"],
        ["", "服务对象满意度指标", "乙", "≥90%", "95%", "10", "10"],  # the level-1 cell was lost
    ))
    assert rows[1][:2] == ("满意度指标", "服务对象满意度指标")


def test_labels_stacked_in_one_cell_go_to_their_rows():
    """A blurred scan lost the rulings between three rows of the 二级指标 column: its three labels come in
    one cell, the two rows below print none. Each row takes its own; with a row more than labels, which
    label spans two is unknown, so the rows stay as read (and the blank is an error of the checks)."""
    stacked = ["成本指标", "经济成本指标数量指标质量指标", "甲", "1", "1", "10", "10"]
    below = [["产出指标", "", "乙", "1", "1", "10", "10"], ["产出指标", "", "丙", "1", "1", "10", "10"]]
    after = ["产出指标", "时效指标", "丁", "1", "1", "10", "10"]
    rows = indicators(table(stacked, *below, after))
    assert [r[:2] for r in rows] == [("成本指标", "经济成本指标"), ("产出指标", "数量指标"),
                                     ("产出指标", "质量指标"), ("产出指标", "时效指标")]
    rows = indicators(table(stacked, *below, below[0], after))
    assert [r[1] for r in rows] == ["经济成本指标数量指标质量指标", None, None, None, "时效指标"]


def test_forms_split_at_titles_and_at_a_second_project_name():
    t = table(["产出指标", "数量指标", "甲", "1", "1", "10", "10"])
    rows = list(t.rows)
    rows += [Row(cells=[Cell(id="x1", col=0, text="<p>财政项目支出绩效自评表</p> <p>(2023 年度)</p>")])]
    rows += [Row(cells=[Cell(id="x2", col=0, text="项目名称"), Cell(id="x3", col=1, text="二")])]
    rows += [Row(cells=[Cell(id="x4", col=0, text="项目名称：三")])]
    records = map_table(t.model_copy(update={"rows": rows}))
    assert [(r.id, r.year, r.project_name) for r in records] == [
        ("999-01", 2024, "测试项目"), ("999-02", 2023, "二"), ("999-03", None, "三")]


def test_cells_that_fit_nowhere_are_listed_as_unplaced():
    t = table(["产出指标", "数量指标", "甲", "1", "1", "10", "10"])
    t.rows.insert(3, Row(cells=[Cell(id="junk", col=0, text="第 1 页 共 2 页")]))
    (record,) = map_table(t)
    assert record.unplaced == ["junk"]


def gridded(pages: list[list[list[tuple]]]) -> CellTable:
    """Rows of (text, col, colspan[, rowspan]) cells, page by page, after a title and 项目名称 row."""
    rows = [Row(cells=[Cell(id="t", col=0, colspan=14, text="财政项目支出绩效自评表")], page=1),
            Row(cells=[Cell(id="p", col=0, colspan=2, text="项目名称"), Cell(id="v", col=2, colspan=12, text="项目")],
                page=1)]
    for page, page_rows in enumerate(pages, start=1):
        for n, spec in enumerate(page_rows):
            cells = [Cell(id=f"p{page}r{n}c{c[1]}", col=c[1], colspan=c[2], rowspan=(c[3:] or (1,))[0], text=c[0])
                     for c in spec]
            rows.append(Row(cells=cells, page=page, page_break_before=page > 1 and n == 0))
    return CellTable(source="999.pdf", kind="digital", rows=rows)


def test_a_page_gridded_on_its_own_and_a_label_printed_after_the_break():
    first = [
        [("一级指标", 0, 1), ("二级指标", 1, 2), ("三级指标", 3, 2), ("年度指标值", 5, 2), ("实际完成值", 7, 2),
         ("分值", 9, 1), ("得分", 10, 2), ("偏差原因分析及改进措施", 12, 2)],
        [("产出指标", 0, 1, 3), ("数量指标", 1, 2), ("甲", 3, 2), ("1", 5, 2), ("1", 7, 2), ("10", 9, 1), ("10", 10, 2),
         ("", 12, 2)],
        [("质量指标", 1, 2), ("乙", 3, 2), ("好", 5, 2), ("好", 7, 2), ("10", 9, 1), ("10", 10, 2), ("", 12, 2)],
        [("", 1, 2), ("丙", 3, 2), ("及时", 5, 2), ("及时", 7, 2), ("5", 9, 1), ("5", 10, 2), ("", 12, 2)],
    ]
    second = [  # eight columns of its own; the merged 时效指标 cell shows its label on this page only
        [("", 0, 1), ("时效指标", 1, 1), ("丁", 2, 1), ("及时", 3, 1), ("及时", 4, 1), ("5", 5, 1), ("5", 6, 1), ("", 7, 1)],
        [("满意度指标", 0, 1), ("服务对象满意度指标", 1, 1), ("戊", 2, 1), ("≥90%", 3, 1), ("95%", 4, 1), ("10", 5, 1),
         ("9", 6, 1), ("略", 7, 1)],
    ]
    (record,) = map_table(gridded([first, second]))
    assert [(i.level1, i.level2, i.name, i.weight, i.score, i.deviation) for i in record.indicators] == [
        ("产出指标", "数量指标", "甲", 10.0, 10.0, None),
        ("产出指标", "质量指标", "乙", 10.0, 10.0, None),
        ("产出指标", "时效指标", "丙", 5.0, 5.0, None),
        ("产出指标", "时效指标", "丁", 5.0, 5.0, None),
        ("满意度指标", "服务对象满意度指标", "戊", 10.0, 9.0, "略"),
    ]
