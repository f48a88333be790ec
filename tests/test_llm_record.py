"""Whole-record requests: a form the rules could not place goes with its whole cell table, and the answer —
a whole record, each value citing its cells — enters value by value under the accept rule. Scripted
answers (ScriptedEndpoint, a real HTTP server on 127.0.0.1) stand for a capable model; the local model's
plumbing is in test_llm.py."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys

import pytest
from llm_forms import SEEDS, form_table, numbers, refine_with, relabelled, whole_answer
from llm_server import ScriptedEndpoint

from docextract.checks import default_rules
from docextract.evaluation import compare_records, load_gold
from docextract.llm import request_kind
from docextract.llm.prompt import load_prompt
from docextract.llm.record_accept import judge_record
from docextract.llm.record_answer import RecordAnswer
from docextract.llm.record_request import positioned_table
from docextract.llm.stage import rows_of
from docextract.model import CellTable, FormRecord
from docextract.pipeline import records_from_table
from docextract.settings import LLMSettings
from docextract.sources import read_document

# the indicator header as a template the grammar does not know prints it
UNKNOWN_HEADER = {"L16c0": "指标类别", "L16c1": "指标子类", "L16c2": "具体指标", "L16c3": "目标值",
                  "L16c4": "完成值", "L16c5": "权重", "L16c6": "评分", "L16c7": "说明"}
ROW_CELLS = [f"L21c{col}" for col in range(1, 7)]  # 000-01's 质量指标 row: 系统平稳运行

pytestmark = pytest.mark.slow  # a scripted endpoint (a server), a subprocess


@pytest.fixture(scope="module")
def seed000() -> CellTable:
    return read_document(next(SEEDS.glob("000_*.txt")))


@pytest.fixture(scope="module")
def intact(seed000) -> tuple[CellTable, FormRecord]:
    table = form_table(seed000, 0)
    [record] = records_from_table(table)
    assert record.status == "verified" and len(record.indicators) == 11
    return table, record


@pytest.fixture(scope="module")
def unknown_header(seed000) -> tuple[CellTable, FormRecord]:
    """000-01 with an indicator header the grammar does not know: no indicator row is read."""
    table = form_table(seed000, 0, relabelled(UNKNOWN_HEADER))
    [record] = records_from_table(table)
    assert record.indicators == [] and {f.check for f in record.errors()} == {
        "required_field", "weight_total", "score_total"}
    return table, record


def joined_to_row_above(table, cell_ids) -> object:
    """The row holding these cells printed at the end of the row above it, one column past its last."""
    rows = list(table.rows)
    n = next(i for i, row in enumerate(rows) if any(c.id in cell_ids for c in row.cells))
    end = max(c.col_end for c in rows[n - 1].cells)
    moved_cells = [c.model_copy(update={"col": end + k}) for k, c in enumerate(rows[n].cells)]
    rows[n - 1] = rows[n - 1].model_copy(update={"cells": rows[n - 1].cells + moved_cells})
    del rows[n]
    return table.model_copy(update={"rows": rows})


def rows_of_record(record: FormRecord) -> list[dict]:
    """The rows' values (how well the mapper's alignment fitted a row is no value of it)."""
    return [row.model_dump(exclude={"alignment_cost"}) for row in record.indicators]


def test_the_prompt_example_is_seed_002_as_printed_and_its_gold():
    """record.v1's example: form 002-03's cells exactly as the request shows them, and an answer that the
    accept rule turns into the gold record, field for field."""
    prompt = load_prompt("record.v1")
    assert [role for role, _ in prompt.messages] == ["system", "user", "assistant", "user"]
    table = read_document(next(SEEDS.glob("002_*.txt")))
    draft = records_from_table(table)[2]
    cells = {c.id: c for row in table.rows for c in row.cells}
    example, answer = prompt.messages[1][1], prompt.messages[2][1]
    assert positioned_table(rows_of(draft, cells)) in example
    parsed = RecordAnswer.model_validate_json(answer, context={"cells": set(cells)})
    blank = FormRecord(id=draft.id, source_rows=draft.source_rows)
    verdict = judge_record(blank, parsed, cells, default_rules())
    assert verdict.rejected == [] and len(verdict.added) == 5
    [result] = [compare_records(load_gold(SEEDS.parent / "gold" / "002.json")[2:3],
                                [verdict.record.model_dump(mode="json")])]
    assert result.accuracy == 1.0, result.mismatches


def test_a_form_the_grammar_cannot_read_is_sent_whole_and_read(unknown_header, intact):
    table, damaged = unknown_header
    assert request_kind(damaged, LLMSettings(base_url="http://127.0.0.1:9/v1")) == "record"
    [record], endpoint = refine_with([whole_answer(intact[1], intact[0])], table, [damaged])
    [body] = endpoint.requests
    form = body["messages"][-1]["content"]
    assert "[L17c2] 降低基础设施成本 | [L17c3] 降低成本" in form and "[L16c5] 权重" in form
    assert "required_field: indicators is blank" in form
    assert body["max_tokens"] == 4096 and body["response_format"]["json_schema"]["name"] == "RecordAnswer"
    assert rows_of_record(record) == rows_of_record(intact[1]) and numbers(record) == numbers(intact[1])
    assert record.status == "verified" and record.llm.prompt_version == "record.v1" and record.llm.accepted
    assert record.llm.fields[:11] == [f"indicators[{i}]" for i in range(11)]  # the rows it added
    assert record.provenance["indicators[3].score"].cell == "L20c6"
    assert record.provenance["indicators[7].level2"].cell == "L24c1"  # 社会 效益 + 指标 across the break
    added = [r for r in record.repairs if r.field.startswith("indicators[")]
    assert len(added) == 11 * 7 and all(r.old is None and r.reason.startswith("llm record.v1:") for r in added)


def test_added_rows_take_the_order_the_form_prints_them_in(unknown_header, intact):
    table, damaged = unknown_header
    answer = whole_answer(intact[1], intact[0])
    answer["indicators"].reverse()
    [record], _ = refine_with([answer], table, [damaged])
    assert rows_of_record(record) == rows_of_record(intact[1])
    assert record.provenance["indicators[0].name"].cell == "L17c2"


def test_a_row_the_grammar_lost_is_added_where_the_form_prints_it(seed000, intact):
    """The 质量指标 row printed on the line of the 数量指标 row (a lost line break) is read into that row's
    偏差原因; Σ分值 fails. With weight_total among the trigger checks the form goes whole: the row goes back
    in between, the rows after it keep their cells, and the misplaced 偏差原因 goes."""
    table = joined_to_row_above(form_table(seed000, 0), ROW_CELLS)
    [damaged] = records_from_table(table)
    assert len(damaged.indicators) == 10
    assert damaged.indicators[3].deviation.startswith("系统平稳运行")
    assert "alignment" in {f.check for f in damaged.errors()}  # a row that fits its columns this badly
    [record], _ = refine_with([whole_answer(intact[1], intact[0])], table, [damaged],
                              record_checks=frozenset({"weight_total"}))
    assert rows_of_record(record) == rows_of_record(intact[1]) and record.status == "verified"
    assert record.llm.fields == ["indicators[4]", "indicators[3].level1", "indicators[3].deviation"]
    assert record.provenance["indicators[4].name"].cell == "L21c2"
    assert record.provenance["indicators[5].name"].cell == "L22c2"  # was indicators[4] in the draft
    assert "indicators[3].deviation" not in record.provenance


def test_values_citing_the_wrong_cells_are_refused_one_by_one(unknown_header, intact):
    table, damaged = unknown_header
    answer = copy.deepcopy(whole_answer(intact[1], intact[0]))
    answer["project_name"] = {"value": "项目名称", "cells": ["L7c0"]}  # the label, not the name
    answer["indicators"][0]["name"]["cells"] = ["L18c2"]  # another row's name cell
    answer["indicators"][3]["score"] = {"value": "14.00", "cells": ["L20c6"]}  # not what the cell prints
    answer["indicators"][5]["weight"]["cells"] = ["L22c6"]  # the row's 得分 cell: one cell, two numbers
    [record], _ = refine_with([answer], table, [damaged])
    for refusal in ("project_name = '项目名称' is a label the form prints",
                    "answer row 1.name = '降低基础设施成本' is not the text of L18c2",
                    "answer row 1: an added row must print its name",
                    "answer row 4.score = '14.00' is not printed in L20c6",
                    "cell L22c6 would supply"):
        assert refusal in record.llm.reason
    assert record.project_name == damaged.project_name
    names = [row.name for row in record.indicators]
    assert names == [row.name for i, row in enumerate(intact[1].indicators) if i not in (0, 3, 5)]
    assert len(record.errors()) <= len(damaged.errors()) and record.llm.accepted


def test_the_checks_never_get_worse(seed000, intact):
    """项目名称 relabelled (a warning: the name is blank) sends 000-01 whole; the answer names the project
    right but swaps the 分值 of two rows, which breaks 得分 ≤ 分值: the name goes in, the swap does not."""
    table = form_table(seed000, 0, relabelled({"L7c0": "项目全称"}))
    [damaged] = records_from_table(table)
    assert damaged.project_name is None and damaged.status == "verified"
    answer = copy.deepcopy(whole_answer(intact[1], intact[0]))
    answer["project_name"] = {"value": intact[1].project_name, "cells": ["L7c2"]}
    first, second = answer["indicators"][0], answer["indicators"][1]
    first["weight"], second["weight"] = second["weight"], first["weight"]
    [record], _ = refine_with([answer], table, [damaged])
    assert record.project_name == intact[1].project_name and record.llm.fields == ["project_name"]
    assert rows_of_record(record) == rows_of_record(damaged) and record.status == "verified"
    assert "the answer: errors 0 -> 1, more" in record.llm.reason


def test_an_answer_that_adds_nothing_printed_changes_nothing(unknown_header):
    """Every value cites a cell that prints something else: the record stays the deterministic reading."""
    table, damaged = unknown_header
    cells = [c.id for row in table.rows for c in row.cells if c.text.strip()]
    invented = {"project_name": {"value": "某某项目", "cells": cells[:1]},
                "indicators": [{"name": {"value": "虚构指标", "cells": [cells[-1]]},
                                "weight": {"value": "50.00", "cells": [cells[-2]]}}]}
    [record], _ = refine_with([invented], table, [damaged])
    assert record.model_dump(exclude={"llm"}) == damaged.model_dump(exclude={"llm"})
    assert not record.llm.accepted and record.llm.failure is None
    assert re.search(r"is not the text of|is not printed in", record.llm.reason)
    assert record.llm.fields == []


def test_an_invalid_whole_record_is_asked_again_and_a_valid_one_cached(unknown_header, intact, tmp_path):
    table, damaged = unknown_header
    right = whole_answer(intact[1], intact[0])
    unknown = {**right, "year": {"value": "2024", "cells": ["L99c9"]}}
    [record], endpoint = refine_with([unknown, right], table, [damaged], tmp_path)
    assert len(endpoint.requests) == 2 and record.llm.calls == 2
    assert "unknown cell ids ['L99c9']" in json.dumps(endpoint.requests[1]["messages"], ensure_ascii=False)
    assert rows_of_record(record) == rows_of_record(intact[1])
    [again], endpoint = refine_with([unknown], table, [damaged], tmp_path)
    assert endpoint.requests == [] and again.llm.cache_hit
    assert again.model_dump(exclude={"llm"}) == record.model_dump(exclude={"llm"})


def test_eval_with_an_endpoint_reports_accuracy_with_and_without_the_llm(intact, tmp_path):
    """Seed 000 with form 000-01's indicator header relabelled, scored against its gold twice: without the
    LLM the form has no indicator rows; with it (a scripted capable model) they are back."""
    seed = next(SEEDS.glob("000_*.txt"))
    lines = seed.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[15].startswith("一级 指标\t")  # L16, 000-01's indicator header
    lines[15] = "\t".join(UNKNOWN_HEADER[f"L16c{col}"] for col in range(8)) + "\n"
    damaged = tmp_path / "000_unknown_header.txt"
    damaged.write_text("".join(lines), encoding="utf-8")
    report = tmp_path / "report"
    with ScriptedEndpoint([whole_answer(intact[1], intact[0])]) as endpoint:
        done = subprocess.run(
            [sys.executable, "-m", "docextract", "eval", str(SEEDS.parent / "gold"), str(damaged), "--report",
             str(report)], capture_output=True, text=True, timeout=600,
            env={"PATH": "", "DOCEXTRACT_LLM_BASE_URL": endpoint.base_url,
                 "DOCEXTRACT_LLM_CACHE_DIR": str(tmp_path / "cache")})
    assert done.returncode == 0, done.stderr
    summary = json.loads((report / "summary.json").read_text(encoding="utf-8"))
    comparison = summary["llm_comparison"]
    assert comparison["without"]["field_accuracy"] < comparison["with"]["field_accuracy"] == 1.0
    assert summary["field_accuracy"] == 1.0 and comparison["without"]["row_recall"] < 1.0
    assert (comparison["forms_reviewed"], comparison["forms_changed"], comparison["prompts"]) == (1, 1, ["record.v1"])
    assert comparison["with"]["llm_calls"] == 1 and comparison["without"]["llm_calls"] == 0
    markdown = (report / "report.md").read_text(encoding="utf-8")
    assert "## with and without the LLM" in markdown and "| field accuracy |" in markdown
    assert "with and without the LLM" in done.stdout
