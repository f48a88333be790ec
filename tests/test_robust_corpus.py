"""The robustness corpus generator (fixtures/corpus.py): deterministic, every damage kind and template
variant produced and recorded, expected records that match what the pages print, generated datasets
and their per-tag report. Accuracy per kind is measured and printed here, never asserted: the mapper is
judged by `docextract eval --dataset robust-text` / `robust-digital`."""

from __future__ import annotations

import json
import random
from pathlib import Path

import fitz
import pytest

from docextract.evaluation import by_tag
from docextract.evaluation.datasets import load_dataset
from docextract.evaluation.run import extract_run, run_cases
from docextract.evaluation.summary import Evaluation
from docextract.report import write_report
from docextract.settings import ExtractOptions
from fixtures.corpus import CorpusSpec, corpus_documents, generate_corpus, print_form, source_records
from fixtures.damage import KINDS, kinds_for
from fixtures.digital import render_grids
from fixtures.style import LEDGER, PLAIN
from fixtures.text_export import LAYOUTS
from fixtures.variants import VARIANTS

ROOT = Path(__file__).resolve().parents[1]
GOLD = [str(ROOT / "fixtures" / "gold")]

PDF = pytest.mark.slow  # renders and reads born-digital pages


def squash(text: str) -> str:
    return "".join(text.split())


def corpus_tags(out: Path) -> list[list[str]]:
    return [info["tags"] for _, gold in corpus_documents(out)
            for info in json.loads(gold.with_name(gold.name.replace(".gold.json", ".tags.json")).read_text()).values()]


def test_the_same_seed_writes_the_same_corpus_and_another_seed_another(tmp_path):
    spec = CorpusSpec(gold=GOLD, forms=30, seed=5)
    first = generate_corpus(spec, tmp_path / "a")
    second = generate_corpus(spec, tmp_path / "b")
    other = generate_corpus(CorpusSpec(gold=GOLD, forms=30, seed=6), tmp_path / "c")
    for (doc_a, gold_a), (doc_b, gold_b) in zip(first, second, strict=True):
        assert doc_a.read_bytes() == doc_b.read_bytes()
        assert gold_a.read_bytes() == gold_b.read_bytes()
    assert [d.read_bytes() for d, _ in first] != [d.read_bytes() for d, _ in other]


def test_every_text_kind_variant_and_layout_is_produced_and_recorded(tmp_path):
    generate_corpus(CorpusSpec(gold=GOLD, forms=400, seed=1, kind_rate=0.4, variant_share=1.0), tmp_path)
    seen = {tag for tags in corpus_tags(tmp_path) for tag in tags}
    text_kinds = {k for layout in LAYOUTS for k in kinds_for(layout)}
    assert {f"kind:{k}" for k in text_kinds} <= seen
    assert {f"variant:{v}" for v in VARIANTS if v != "landscape"} <= seen  # a text export has no pages
    assert {f"layout:{layout}" for layout in LAYOUTS} <= seen
    assert "kind:none" in seen
    assert not {f"kind:{k}" for k in set(KINDS) - text_kinds} & seen  # PDF-only damage never on text


@PDF
def test_every_pdf_kind_is_produced_on_born_digital_pages(tmp_path):
    kinds = kinds_for("digital")
    generate_corpus(CorpusSpec(gold=GOLD, writer="digital", forms=24, seed=2, kinds=kinds, kind_rate=0.5,
                               variants=["landscape", "tick_grade"], variant_share=0.5), tmp_path)
    seen = {tag for tags in corpus_tags(tmp_path) for tag in tags}
    assert {f"kind:{k}" for k in kinds} <= seen
    orientations = {page.rect.width > page.rect.height for doc, _ in corpus_documents(tmp_path) for page in fitz.open(doc)}
    assert orientations == {True, False}  # landscape pages among portrait ones


def _printed(variant: str, style=LEDGER, seed: int = 3):
    """A form printed with `variant` alone, no damage, and its born-digital page text."""
    records = source_records(GOLD)
    spec = CorpusSpec(gold=GOLD, kinds=[], variants=[variant], variant_share=1.0, clean_share=1.0)
    for n in range(200):
        rng = random.Random(f"{seed}:{variant}:{n}")
        form = print_form(records[rng.randrange(len(records))], "T-01", spec, "digital", style, rng)
        if f"variant:{variant}" in form.tags:
            return form
    raise AssertionError(f"variant {variant} never applied")


def _page_text(form, tmp_path: Path) -> str:
    path = tmp_path / "form.pdf"
    render_grids([("T-01", form.grid, form.style)], path)
    return squash("".join(page.get_text() for page in fitz.open(path)))


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_the_expected_record_of_a_variant_is_what_its_page_prints(variant, tmp_path):
    form = _printed(variant)
    text, record, style = _page_text(form, tmp_path), form.expected, form.style
    assert squash(record.project_name) in text
    for ind in record.indicators:
        assert squash(ind.name) in text
        if ind.level2:
            assert squash(ind.level2) in text
    total = record.funding.total
    assert style.money(total.annual_budget).replace(" ", "") in text
    if variant == "amounts_yuan":
        assert record.funding_unit == "元" and "项目资金（元）" in text
    elif variant in ("no_initial_budget", "blank_initial_budget"):
        assert all(getattr(record.funding, row).initial_budget is None for row in ("total", "appropriation"))
        assert ("年初预算数" in text) == (variant == "blank_initial_budget")
    elif variant == "no_weight_column":
        assert all(ind.weight is None for ind in record.indicators) and record.total_weight is None
        assert text.count("分值") == 1  # the funding block's only
    elif variant == "no_deviation":
        assert "偏差原因" not in text and all(ind.deviation is None for ind in record.indicators)
    elif variant == "weight_first":
        assert text.index("分值", text.index("三级指标")) < text.index("年度指标值")
    elif variant == "rate_integer":
        assert total.execution_rate == int(total.execution_rate) and f"{total.execution_rate:.0f}%" in text
    elif variant == "single_funding_row":
        assert "年度财政资金总额" in text and "上年结转" not in text
        assert record.funding.appropriation.annual_budget is None and record.funding.carryover.executed is None
    elif variant == "no_carryover_row":
        assert "上年结转" not in text and record.funding.carryover.annual_budget is None
    elif variant == "this_year_appropriation":
        assert "本年财政拨款" in text and "当年财政拨款" not in text
    elif variant == "points_in_labels":
        weights: dict[str, float] = {}
        for ind in record.indicators:
            weights[ind.level1] = weights.get(ind.level1, 0) + ind.weight
        for level1, points in weights.items():
            assert f"{level1}({points:g}分)" in text or f"{level1}（{points:g}分）" in text
        assert "分)" not in "".join(ind.level1 for ind in record.indicators)
    elif variant == "short_level2":
        assert any(ind.level2 and not ind.level2.endswith("指标") for ind in record.indicators)
    elif variant == "placeholder_rows":
        assert "……" in text and all(ind.name != "……" for ind in record.indicators)
    elif variant == "tick_grade":
        assert f"√{record.grade}" in text and "□" in text
    elif variant == "self_grade_label":
        assert "自评等级" in text and "评分等级" not in text and record.grade in text
    elif variant == "no_goal_block":
        assert "年度总体目标" not in text and record.goal_expected is None and record.goal_actual is None
    elif variant == "goal_split_row":
        assert "年度目标" in text and squash(record.goal_expected) in text
    elif variant == "target_title":
        assert "财政项目支出绩效目标自评表" in text
    elif variant == "county_title":
        assert text.index("财政项目支出绩效自评表") > 0 and record.year is not None
    elif variant == "year_in_title":
        assert f"{record.year}年度财政项目支出绩效自评表" in text
    elif variant == "year_cell":
        assert f"年度{record.year}年度" in text
    elif variant == "year_plain":
        assert f"{record.year}年度" in text and f"（{record.year}年度）" not in text
    elif variant == "landscape":
        assert form.style.page_size[0] > form.style.page_size[1]


def test_a_form_without_closing_rows_expects_no_totals_and_no_grade(tmp_path):
    records = source_records(GOLD)
    spec = CorpusSpec(gold=GOLD, kinds=["no_total_row", "no_grade_row"], kind_rate=1.0, variants=[], clean_share=0)
    form = print_form(records[0], "T-01", spec, "digital", PLAIN, random.Random(0))
    text = _page_text(form, tmp_path)
    assert {"kind:no_total_row", "kind:no_grade_row"} <= set(form.tags)
    assert "总分" not in text and "评分等级" not in text
    assert (form.expected.total_weight, form.expected.total_score, form.expected.grade) == (None, None, None)


def _runs(out: Path) -> list:
    from docextract.evaluation.datasets import DocumentCase

    return run_cases([DocumentCase(doc, gold) for doc, gold in corpus_documents(out)],
                     lambda case: extract_run(case, ExtractOptions()))


@pytest.mark.parametrize("writer,layout", [("text", "tabs"), ("text", "lines"), ("text", "html"), ("digital", None)])
def test_clean_generated_forms_are_found_with_their_id_year_and_project(writer, layout, tmp_path):
    spec = CorpusSpec(gold=GOLD, writer=writer, forms=4, seed=9, forms_per_document=4, kinds=[], variants=[],
                      clean_share=1.0, layouts=[layout] if layout else list(LAYOUTS))
    generate_corpus(spec, tmp_path)
    (run,) = _runs(tmp_path)
    gold = json.loads(run.case.gold.read_text(encoding="utf-8"))
    assert run.error is None and len(run.records) == len(gold) == 4
    for record, expected in zip(run.records, gold):
        assert (record["year"], squash(record["project_name"])) == (expected["year"], squash(expected["project_name"]))
    assert [o.form for o in run.result.outcomes] == [g["id"] for g in gold]


def test_damaged_forms_are_scored_per_tag_and_the_figures_printed(tmp_path, capsys):
    generate_corpus(CorpusSpec(gold=GOLD, forms=40, seed=4, kind_rate=0.3), tmp_path)
    evaluation = Evaluation("robust", _runs(tmp_path))
    tagged = by_tag.per_tag(evaluation)
    assert tagged["all"]["forms"] == 40
    assert sum(f["forms"] for tag, f in tagged.items() if tag.startswith("layout:")) == 40
    with capsys.disabled():  # measured, not asserted: the lead's figures come from `docextract eval`
        print("\n" + "\n".join(f"{tag}: field accuracy {f['field_accuracy']:.2%}, silent errors {f['silent_errors']}"
                               for tag, f in tagged.items() if tag.startswith(("all", "kind:"))))


def test_a_generated_dataset_is_written_once_and_reported_per_tag(tmp_path):
    datasets = tmp_path / "datasets.json"
    datasets.write_text(json.dumps({"root": str(ROOT), "datasets": {"tiny": {
        "generated": {"gold": ["fixtures/gold"], "forms": 12, "seed": 3, "forms_per_document": 6},
        "cache": str(tmp_path / "cache")}}}), encoding="utf-8")
    cases = load_dataset("tiny", datasets)
    stamp = tmp_path / "cache" / "generated.json"
    written = stamp.stat().st_mtime_ns
    assert load_dataset("tiny", datasets) == cases and stamp.stat().st_mtime_ns == written
    assert len(cases) == 2 and all(len(json.loads(c.gold.read_text())) == 6 for c in cases)
    runs = run_cases(cases, lambda case: extract_run(case, ExtractOptions()))
    write_report(Evaluation("tiny", runs), tmp_path / "report")
    summary = json.loads((tmp_path / "report" / "summary.json").read_text(encoding="utf-8"))
    assert summary["per_tag"]["all"]["forms"] == 12
    assert "per damage kind" in (tmp_path / "report" / "report.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", [pytest.param(k, marks=PDF) for k in ("missing_rulings", "page_column_widths",
                                                                        "merged_last_row")]
                         + ["lost_cell", "extra_cell", "mixed_offsets", "header9"])
def test_each_layout_damage_alone_reads_back_the_expected_records(kind, tmp_path):
    """One damage kind on every form of a gold document, as born-digital PDFs (lost rulings across rows
    and between merged cells, other column widths per page, a last row read as one cell) or text exports
    (cells lost, added or shifted): every contract field comes back as the form prints it."""
    from docextract.evaluation import compare_records
    from docextract.output import record_json
    from docextract.pipeline import process_document
    from fixtures.text_export import write_text_export

    digital = kind in kinds_for("digital")
    gold = ROOT / "fixtures" / "gold"
    spec = CorpusSpec(gold=GOLD, writer="digital" if digital else "text", kinds=[kind], kind_rate=1.0,
                      variants=[], clean_share=0.0)
    rng = random.Random(7)
    layout = "digital" if digital else "tabs"
    forms = [print_form(r, f"R-{n:02d}", spec, layout, LEDGER, rng)
             for n, r in enumerate(source_records([str(gold / "001.json"), str(gold / "002.json")]), 1)]
    assert any(f"kind:{kind}" in f.tags for f in forms)
    path = tmp_path / ("forms.pdf" if digital else "forms.txt")
    if digital:
        render_grids([(f.expected.id, f.grid, f.style) for f in forms], path)
    else:
        path.write_text(write_text_export([f.grid for f in forms], "tabs", rng), encoding="utf-8")
    result = process_document(path)
    expected = [f.expected.model_dump(mode="json") for f in forms]
    outcome = compare_records(expected, [record_json(r) for r in result.forms], path.name)
    assert outcome.accuracy == 1.0, [f"{m.form} {m.path or m.field}: {m.gold!r} / {m.pred!r}"
                                     for m in outcome.mismatches[:8]]


def test_a_merged_cell_whose_texts_do_not_fit_its_rows_stays_whole():
    """Texts whose centres leave no rows for the texts below them (the first sits at the cell's foot) do
    not part the cell: it stays one cell, whatever the geometry."""
    from docextract.model import TextLine
    from docextract.sources.page_rows import _label_runs

    lines = [TextLine(text="产出指标", bbox=(0, 88, 20, 98)), TextLine(text="效益指标", bbox=(0, 99.5, 20, 109.5))]
    tops = [0.0, 40.0]  # two rows, the cell from 0 to 110
    assert _label_runs(lines, (0, 0, 20, 110), tops) == [(0, 2, lines)]
    centred = [TextLine(text="产出指标", bbox=(0, 15, 20, 25)), TextLine(text="效益指标", bbox=(0, 70, 20, 80))]
    assert _label_runs(centred, (0, 0, 20, 100), [0.0, 40.0]) == [(0, 1, centred[:1]), (1, 1, centred[1:])]


def test_numbers_merged_into_one_cell_over_two_rows_part_at_a_narrow_gap():
    """A number never wraps: one printed below another, with a gap narrower than parts two texts, is the
    next row's (a weight and the 总分 below it when the ruling between them is lost)."""
    from docextract.model import TextLine
    from docextract.sources.page_rows import _label_runs

    lines = [TextLine(text="10", bbox=(0, 83.4, 10, 95.8)), TextLine(text="100", bbox=(0, 112.5, 15, 124.9))]
    assert _label_runs(lines, (0, 70, 20, 128.2), [70.0, 109.2]) == [(0, 1, lines[:1]), (1, 1, lines[1:])]
    wrapped = [TextLine(text="407000.0", bbox=(0, 80, 40, 92)), TextLine(text="0", bbox=(0, 91, 5, 103))]
    assert _label_runs(wrapped, (0, 70, 40, 128.2), [70.0, 109.2])[0] == (0, 1, wrapped)  # a wrap stays whole
