from docextract.mapping.ledger import Ledger
from docextract.mapping.wraps import join_wraps
from docextract.model import Cell, Row


def _row(line, *texts):
    return Row(cells=[Cell(id=f"{line}.{n}", col=n, text=t) for n, t in enumerate(texts) if t], line=line)


def test_a_wrapped_row_joins_the_cells_above_it():
    rows = [_row(1, "产出指标", "数量指标", "接入事件来源", "≥365.00", "365.00", "15", "15"),
            _row(2, "", "", "天数", "(天)", "(天)")]
    ledger = Ledger()
    [row] = join_wraps(rows, ledger)
    assert [c.text.replace("\n", "") for c in row.cells][2:5] == ["接入事件来源天数", "≥365.00(天)", "365.00(天)"]
    assert {"2.2", "2.3", "2.4"} <= ledger.used


def test_rows_under_numbers_or_whole_labels_stay_rows():
    under_number = [_row(1, "", "", "名称", "高", "达成", "15"), _row(2, "", "", "", "", "", "说明")]
    under_label = [_row(1, "产出指标", "数量指标", "名称", "高", "达成", "15"), _row(2, "效益指标")]
    assert len(join_wraps(under_number, Ledger())) == 2
    assert len(join_wraps(under_label, Ledger())) == 2
