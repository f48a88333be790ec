"""Alignment of printed categories and names: OCR damage tolerated, garbage and ambiguity rejected."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from docextract.model import FormRecord
from docextract.taxonomy import align_category, align_record, suggest_indicator_name



@pytest.fixture(scope="module")
def gold(gold_dir: Path) -> list[FormRecord]:
    return [FormRecord.model_validate(r) for path in sorted(gold_dir.glob("*.json"))
            for r in json.loads(path.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("printed, level, parent, canonical, score", [
    ("社会 效益", 2, None, "社会效益指标", 100),  # page-break fragment, no 指标 suffix
    ("可持 续影 响指 标", 2, None, "可持续影响指标", 100),
    ("服 务 对 象 满 意 度 指 标", 2, None, "服务对象满意度指标", 100),
    ("满 意 度 指 标", 1, None, "满意度指标", 100),
    ("生态 环境 成本 指标", 2, "成本 指标", "生态环境成本指标", 100),
    ("效益", 1, None, "效益指标", 100),
    ("质量", 2, "产出指标", "质量指标", 100),
    ("滿意度指標", 1, None, "满意度指标", 100),  # traditional forms from the recognizer
    ("产山指标", 1, None, "产出指标", 75),  # one wrong character
    ("数星指标", 2, None, "数量指标", 75),
    ("时效指木", 2, None, "时效指标", 75),
    ("经济效益指杯", 2, None, "经济效益指标", 83.33),
    ("可持续彰响指标", 2, None, "可持续影响指标", 85.71),
    ("服务对象满意", 2, None, "服务对象满意度指标", 92.31),  # truncated
    ("生态环境", 2, None, "生态环境成本指标", 80),
    ("经济成本指标", 2, "产出指标", "经济成本指标", 100),  # aligned as printed, whatever the parent
    ("社会效本指标", 2, "效益指标", "社会效益指标", 83.33),  # the parent breaks a tie…
    ("社会效本指标", 2, "成本指标", "社会成本指标", 83.33),
])
def test_damaged_labels_align_with_their_score(printed, level, parent, canonical, score):
    alignment = align_category(printed, level, parent)
    assert alignment.canonical == canonical
    assert alignment.score == pytest.approx(score, abs=0.01)


@pytest.mark.parametrize("printed, level", [
    ("项目名称", 1), ("年度资金总额", 1), ("偏差原因分析及改进措施", 2), ("", 1), (None, 2), ("指标", 1),
    ("绩效指标", 1),  # the block heading, one character from 效益指标
    ("一级指标", 1), ("二级指标", 2),
    ("效益指标", 2),  # level-1 fragment in the level-2 column: 经济/社会/生态效益指标 fit alike
    ("满意度指标", 2), ("X量指标", 2), ("生态", 2), ("社会效本指标", 2),  # …without one it stays ambiguous
    ("建设完成区域运中心视频会上系统并正常使用", 1),
])
def test_garbage_and_ambiguity_align_to_none(printed, level):
    alignment = align_category(printed, level)
    assert alignment.canonical is None
    assert 0 <= alignment.score < 100


def test_gold_categories_and_names_align_exactly(gold):
    for record in gold:
        aligned = align_record(record)
        for printed, indicator in zip(record.indicators, aligned.indicators):
            assert indicator.model_dump(exclude={"level1_match", "level2_match", "name_match"}) == printed.model_dump(
                exclude={"level1_match", "level2_match", "name_match"})  # printed values are never rewritten
            assert (indicator.level1_match.canonical, indicator.level1_match.score) == (printed.level1, 100)
            assert (indicator.level2_match.canonical, indicator.level2_match.score) == (printed.level2, 100)
            assert (indicator.name_match.canonical, indicator.name_match.score) == (printed.name, 100)


def test_name_suggestions():
    damaged = suggest_indicator_name("服务对像满意度")
    assert damaged.canonical == "服务对象满意度" and 80 <= damaged.score < 100
    assert suggest_indicator_name("落实长效管理 机").canonical == "落实长效管理机制"
    assert suggest_indicator_name("完全不相干的东西").canonical is None
    assert suggest_indicator_name(None).canonical is None


@pytest.mark.slow  # a subprocess
def test_import_reads_no_data():
    """The mapper imports align_category at module level: importing must stay free of I/O."""
    code = "import docextract.taxonomy as t; print(t._data.cache_info().currsize)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "0"
