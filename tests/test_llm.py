"""The LLM stage: settings, the versioned prompt, the accept rule on recorded answers, instructor's modes,
retries and the cache against a scripted endpoint, every endpoint failure, and the real thing — llama.cpp's
llama-server with SmolLM2-135M on 127.0.0.1. A 135M model's content is nonsense, so against it the tests
assert structure (schema, usage, traces, bounded time) and that the accept rule keeps accuracy. The accept
rule for whole records, against scripted answers: test_llm_record.py."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import llm_forms
import pytest
from llm_forms import ROOT, SEEDS, detached, form_table, numbers
from llm_server import ScriptedEndpoint, free_port, llama_server

from docextract.evaluation import compare_records, load_gold
from docextract.llm import LLMRunSummary, refine_records, request_kind
from docextract.llm.client import LLMFailure, ask
from docextract.llm.prompt import load_prompt
from docextract.llm.request import build_request
from docextract.llm.response import RepairAnswer
from docextract.llm.stage import FAILED
from docextract.mapping.forms import split_forms
from docextract.model import CellTable, FormRecord
from docextract.pipeline import records_from_table
from docextract.settings import ExtractOptions, LLMSettings, SettingsError, load_llm_settings
from docextract.sources import read_document

RECORDINGS = ROOT / "fixtures" / "llm"
SECRET = "sk-test-0123456789-do-not-print"
PATCHES = {"record_checks": frozenset()}  # the whole-record trigger off: these forms are sent for patches

pytestmark = pytest.mark.slow  # a scripted endpoint or llama-server (servers), subprocesses


def recorded(name: str) -> dict:
    return json.loads((RECORDINGS / name).read_text(encoding="utf-8"))["answer"]


@pytest.fixture(scope="module")
def seed000() -> CellTable:
    return read_document(next(SEEDS.glob("000_*.txt")))


@pytest.fixture(scope="module")
def seed002() -> CellTable:
    return read_document(next(SEEDS.glob("002_*.txt")))


@pytest.fixture(scope="module")
def moved_executed(seed000) -> tuple[CellTable, FormRecord, FormRecord]:
    """000-01 with its 全年执行数 cell on a line of its own below the 年度资金总额 row: the mapper leaves
    8.80 unplaced and the budget has no 执行数. (table, damaged record, undamaged record)"""
    table = detached(form_table(seed000, 0), "L10c4")
    [damaged] = records_from_table(table)
    [intact] = records_from_table(form_table(seed000, 0))
    assert damaged.status == "flagged" and damaged.unplaced == ["L10c4"]
    assert damaged.funding.total.executed is None and damaged.funding.total.score == 9.78
    return table, damaged, intact


def settings(endpoint: str, tmp_path: Path | None = None, **changes) -> LLMSettings:
    return llm_forms.settings(endpoint, tmp_path, **{**PATCHES, **changes})


def refine_with(script: list, table: CellTable, records: list[FormRecord], tmp_path: Path | None = None,
                **changes) -> tuple[list[FormRecord], ScriptedEndpoint]:
    return llm_forms.refine_with(script, table, records, tmp_path, **{**PATCHES, **changes})


# ---------------------------------------------------------------- settings


def test_settings_come_from_flags_then_env_then_file_then_openai_env(tmp_path):
    config = tmp_path / "llm.toml"
    config.write_text('[llm]\nbase_url = "http://file/v1"\nmodel = "file-model"\ntimeout = 7\nretries = 4\n'
                      'extra_body = {cache_prompt = false}\n', encoding="utf-8")
    env = {"OPENAI_BASE_URL": "http://openai/v1", "OPENAI_API_KEY": "from-openai",
           "DOCEXTRACT_LLM_MODEL": "env-model", "DOCEXTRACT_LLM_MODE": "tools", "DOCEXTRACT_LLM_CONFIG": str(config)}
    loaded = load_llm_settings({"timeout": 3.0, "retries": None}, env=env)
    assert (loaded.base_url, loaded.api_key, loaded.model, loaded.mode) == (
        "http://file/v1", "from-openai", "env-model", "tools")
    assert (loaded.timeout, loaded.retries, loaded.extra_body) == (3.0, 4, {"cache_prompt": False})
    assert load_llm_settings(env={"OPENAI_BASE_URL": "http://openai/v1"}).base_url == "http://openai/v1"
    assert not load_llm_settings(env={}).active  # no endpoint named: offline
    assert not load_llm_settings({"policy": "off"}, env=env).active


def test_the_whole_record_trigger_is_a_list_of_checks(tmp_path):
    config = tmp_path / "llm.toml"
    config.write_text('[llm]\nrecord_checks = ["alignment", "weight_total"]\nrecord_max_tokens = 8000\n',
                      encoding="utf-8")
    assert load_llm_settings(env={}).record_checks == {"alignment", "placement", "required_field"}
    from_file = load_llm_settings(config=config, env={})
    assert (from_file.record_checks, from_file.record_max_tokens) == ({"alignment", "weight_total"}, 8000)
    from_env = load_llm_settings(config=config, env={"DOCEXTRACT_LLM_RECORD_CHECKS": "placement, required_field"})
    assert from_env.record_checks == {"placement", "required_field"}
    assert load_llm_settings(env={"DOCEXTRACT_LLM_RECORD_CHECKS": ","}).record_checks == frozenset()
    config.write_text("[llm]\nrecord_checks = 3\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="record_checks"):
        load_llm_settings(config=config, env={})


def test_bad_settings_name_what_is_wrong(tmp_path):
    with pytest.raises(SettingsError, match="mode"):
        load_llm_settings({"mode": "yaml"}, env={})
    bad = tmp_path / "bad.toml"
    bad.write_text("[llm]\nbase_ulr = 'x'\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="base_ulr"):
        load_llm_settings(config=bad, env={})


def test_the_api_key_is_masked_in_repr_and_str():
    llm = load_llm_settings({"api_key": SECRET, "base_url": "http://127.0.0.1:9/v1"}, env={})
    assert llm.api_key == SECRET
    for text in (repr(llm), str(llm), repr(ExtractOptions(llm=llm)), str(ExtractOptions(llm=llm))):
        assert SECRET not in text and "api_key='***'" in text


def test_without_an_endpoint_nothing_llm_is_imported():
    """Offline by default: no endpoint, no openai/instructor import, not even with --llm auto."""
    code = ("import sys; from docextract.pipeline import process_document; "
            f"result = process_document({str(next(SEEDS.glob('002_*.txt')))!r}); "
            "assert result.forms and all(r.llm is None for r in result.forms); "
            "assert not {'openai', 'instructor'} & set(sys.modules), sorted(sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env={"PATH": ""})
    assert done.returncode == 0, done.stderr


# ---------------------------------------------------------------- prompt and request


def test_the_prompt_is_versioned_and_its_examples_are_the_seeds_cells(seed000, seed002):
    """The few-shot examples are 000-01 and 002-05 as the seeds print them."""
    prompt = load_prompt("repair.v1")
    assert prompt.version == "repair.v1"
    assert [role for role, _ in prompt.messages] == ["system", "user", "assistant", "user", "assistant", "user"]
    for (_, example), (_, answer), table in zip(prompt.messages[1:5:2], prompt.messages[2:5:2], (seed000, seed002),
                                                   strict=True):
        RepairAnswer.model_validate_json(answer)
        cells = {c.id: c.text for row in table.rows for c in row.cells}
        shown = re.findall(r"\[(L\d+c\d+)[^\]]*\]\*? ([^|\n]+)", example)
        assert shown and all(cells[cell].strip() == printed.strip() for cell, printed in shown), shown


def test_the_request_shows_each_cell_with_its_field_and_the_failed_checks(moved_executed):
    table, damaged, _ = moved_executed
    rows = [row.cells for row in table.rows]
    request = build_request(damaged, rows, load_prompt("repair.v1"), LLMSettings())
    form = request.messages[-1]["content"]
    assert "funding.total: [L10c1] 年度资金总额: | [L10c2=initial_budget] 0.00" in form
    assert "[L10c4]* 8.80" in form and "[L10c7=score] 9.78" in form
    assert "funding.total.executed" in form.split("Failed checks:")[0]  # blank in the draft
    assert "required_field: funding.total.executed is blank" in form
    assert request.context == {"cells": {c.id for row in table.rows for c in row.cells}, "indicators": 11}
    other = build_request(damaged, rows, load_prompt("repair.v1"), LLMSettings(model="other"))
    assert other.key != request.key and other.messages == request.messages


# ---------------------------------------------------------------- the accept rule, on recorded answers


def test_a_right_answer_is_accepted_marked_and_audited(moved_executed, tmp_path):
    table, damaged, intact = moved_executed
    [record], _ = refine_with([recorded("000-01-moved-executed.right.json")], table, [damaged])
    assert numbers(record) == numbers(intact)
    assert record.status == "verified" and not record.errors()
    assert record.llm.accepted and record.llm.prompt_version == "repair.v1"
    assert record.llm.fields == ["funding.total.executed"]  # its 得分 patch changes nothing
    assert [(r.field, r.old, r.new) for r in record.repairs] == [("funding.total.executed", None, 8.8)]
    assert all(r.reason.startswith("llm repair.v1:") for r in record.repairs)
    assert record.provenance["funding.total.executed"].cell == "L10c4"
    assert record.provenance["funding.total.score"].cell == "L10c7"


@pytest.mark.parametrize("recording, refusal", [
    ("000-01-moved-executed.invented.json", "funding.total.executed = '8.90' is not printed in L10c4"),
    ("000-01-moved-executed.copied.json",
     "cell L10c3 would supply funding.total.annual_budget and funding.total.executed"),
])
def test_a_wrong_answer_changes_nothing(moved_executed, recording, refusal):
    table, damaged, _ = moved_executed
    [record], _ = refine_with([recorded(recording)], table, [damaged])
    assert numbers(record) == numbers(damaged) and record.repairs == []
    assert record.status == "flagged" and not record.llm.accepted and record.llm.failure is None
    assert refusal in record.llm.reason


def test_row_patches_that_fail_together_are_judged_one_by_one(moved_executed):
    table, damaged, intact = moved_executed
    [record], _ = refine_with([recorded("000-01-moved-executed.partial.json")], table, [damaged])
    assert numbers(record) == numbers(intact)
    assert record.llm.fields == ["funding.total.executed"]
    assert "indicators[0].score: cell L18c6 would supply" in record.llm.reason


def test_a_document_error_stays_flagged_whatever_the_llm_says(seed002):
    records = records_from_table(seed002)
    [before] = [r for r in records if r.id == "002-05"]
    out, endpoint = refine_with([recorded("002-05-document-error.json")], seed002, records)
    [after] = [r for r in out if r.id == "002-05"]
    assert len(endpoint.requests) == 1  # auto: the only form with failed checks
    assert numbers(after) == numbers(before) and after.funding.total.executed == 1_500_000
    assert after.status == "flagged" and {f.check for f in after.errors()} == {"over_budget"}
    assert after.repairs == [] and not after.llm.accepted
    assert [r for r in out if r.id != "002-05"] == [r for r in records if r.id != "002-05"]


# ---------------------------------------------------------------- modes, retries, cache, policy


@pytest.mark.parametrize("mode, shape", [
    ("json_schema", lambda body: body["response_format"]["type"] == "json_schema"),
    ("tools", lambda body: body["tools"][0]["function"]["name"] == "RepairAnswer"),
    ("json", lambda body: body["response_format"] == {"type": "json_object"}),
])
def test_every_instructor_mode_round_trips(moved_executed, mode, shape):
    table, damaged, intact = moved_executed
    [record], endpoint = refine_with([recorded("000-01-moved-executed.right.json")], table, [damaged], mode=mode)
    assert numbers(record) == numbers(intact)
    [body] = endpoint.requests
    assert shape(body) and body["cache_prompt"] is False and body["temperature"] == 0.0


def test_an_invalid_answer_is_asked_again_with_the_error(moved_executed):
    table, damaged, intact = moved_executed
    unknown_cell = {"patches": [{"row": "funding.total", "values": [
        {"field": "executed", "value": "8.80", "cells": ["L99c9"]}]}]}
    [record], endpoint = refine_with([unknown_cell, recorded("000-01-moved-executed.right.json")], table, [damaged])
    assert len(endpoint.requests) == 2 and record.llm.calls == 2 and record.llm.tokens == 84
    assert "unknown cell ids ['L99c9']" in json.dumps(endpoint.requests[1]["messages"], ensure_ascii=False)
    assert numbers(record) == numbers(intact)


def test_answers_are_cached_by_prompt_model_and_input(moved_executed, tmp_path):
    table, damaged, _ = moved_executed
    answer = [recorded("000-01-moved-executed.right.json")]
    [first], _ = refine_with(answer, table, [damaged], tmp_path)
    [again], endpoint = refine_with(answer, table, [damaged], tmp_path)
    assert endpoint.requests == [] and again.llm.cache_hit and again.llm.calls == 0
    assert again.model_dump(exclude={"llm"}) == first.model_dump(exclude={"llm"})
    _, endpoint = refine_with(answer, table, [damaged], tmp_path, model="another-model")
    assert len(endpoint.requests) == 1
    assert LLMRunSummary.of([first, again]).cache_hits == 1


def test_the_policy_decides_which_forms_are_sent_and_how(seed002, moved_executed):
    records = records_from_table(seed002)
    auto = llm_forms.settings("http://127.0.0.1:9/v1")
    assert [(r.id, request_kind(r, auto)) for r in records if request_kind(r, auto)] == [("002-05", "patch")]
    assert {request_kind(r, replace(auto, policy="always")) for r in records} == {"patch"}
    assert {request_kind(r, replace(auto, policy="off")) for r in records} == {None}
    damaged = moved_executed[1]  # a blank required field (funding.total.executed): sent whole by default
    assert request_kind(damaged, auto) == "record"
    assert request_kind(damaged, replace(auto, record_checks=frozenset())) == "patch"
    assert request_kind(damaged, replace(auto, policy="off")) is None
    for policy, sent in (("off", 0), ("auto", 1), ("always", len(records))):
        out, endpoint = refine_with([{"patches": []}], seed002, records, policy=policy, concurrency=3)
        assert len(endpoint.requests) == sent and sum(r.llm is not None for r in out) == sent
        assert [r.id for r in out] == [r.id for r in records]


# ---------------------------------------------------------------- failures: flagged with the reason, bounded


@pytest.mark.parametrize("script, kind, reason", [
    (["500"], "server_error", "HTTP 500"),
    (["not-json"], "invalid_answer", "answer not valid after"),
    ([("slow", 3)], "timeout", "no answer within 0.5 s"),
    ([{"patches": [{"row": "funding.sideways", "values": [{"field": "x", "value": "1", "cells": ["L10c4"]}]}]}],
     "invalid_answer", "row 'funding.sideways' is not one of"),
])
def test_an_endpoint_failure_flags_the_record_with_the_reason(moved_executed, script, kind, reason):
    table, damaged, _ = moved_executed
    started = time.monotonic()
    [record], endpoint = refine_with(script, table, [damaged], timeout=0.5)
    assert time.monotonic() - started < 15
    assert record.llm.failure == kind and reason in record.llm.reason
    assert record.status == "flagged" and [f.check for f in record.errors()][-1] == FAILED
    assert numbers(record) == numbers(damaged)
    assert record.llm.calls == len(endpoint.requests) == 2  # one retry
    assert LLMRunSummary.of([record]).failures == {kind: 1}


def test_an_unreachable_endpoint_flags_the_record(moved_executed):
    table, damaged, _ = moved_executed
    [record] = refine_records([damaged], table, settings(f"http://127.0.0.1:{free_port()}/v1", retries=0))
    assert record.llm.failure == "unreachable" and record.status == "flagged"
    assert "cannot connect to http://127.0.0.1:" in record.findings[-1].message


def test_the_cli_prints_the_run_figures_and_never_the_key(tmp_path):
    seed = next(SEEDS.glob("002_*.txt"))
    with ScriptedEndpoint(["500"]) as endpoint:
        done = subprocess.run(
            [sys.executable, "-m", "docextract.cli", "extract", str(seed), "--json", "--llm", "auto",
             "--llm-base-url", endpoint.base_url, "--llm-retries", "0", "--llm-cache-dir", str(tmp_path)],
            capture_output=True, text=True, timeout=300, env={"DOCEXTRACT_LLM_API_KEY": SECRET, "PATH": ""})
    assert done.returncode == 0, done.stderr
    assert SECRET not in done.stdout + done.stderr
    assert "llm: 1 forms reviewed, 1 calls, 0 tokens, 0 cache hits; 0 accepted, 0 unchanged, 1 failed " \
           "(server_error 1)" in done.stderr
    records = json.loads(done.stdout)
    assert [r["id"] for r in records if r["llm"]] == ["002-05"]


# ---------------------------------------------------------------- against llama-server (SmolLM2-135M)


@pytest.fixture(scope="module")
def local_llm(tmp_path_factory) -> str:
    with llama_server(tmp_path_factory.mktemp("llama") / "llama-server.log") as base_url:
        yield base_url


def local(base_url: str, tmp_path: Path, **changes) -> LLMSettings:
    return llm_forms.settings(base_url, tmp_path, **{"timeout": 240, "max_tokens": 384, **changes})


def test_the_local_model_answers_in_the_schema(local_llm, seed002, tmp_path):
    """A small request (the header and funding block of 002-01): the grammar-constrained answer parses as
    RepairAnswer; if the model cites cells the form does not have, instructor asks again, then gives up."""
    table = seed002.model_copy(update={"rows": split_forms(seed002.rows)[0][:9]})
    [record] = records_from_table(table)
    request = build_request(record, [row.cells for row in table.rows], load_prompt("repair.v1"),
                            local(local_llm, tmp_path))
    try:
        answer = ask(local(local_llm, tmp_path), request)
    except LLMFailure as failure:  # 2 attempts, or 1 cut off at max_tokens
        assert failure.kind == "invalid_answer" and 1 <= failure.calls <= 2 and failure.tokens > 0, failure
    else:
        assert isinstance(answer.answer, RepairAnswer) and 1 <= answer.calls <= 2 and answer.tokens > 0


def zero_shot(prompt: str, folder: Path) -> str:
    """A template file of `prompt` without its few-shot examples: its first and last messages. The examples
    cost SmolLM2 some 3,500 tokens, a minute or more of these shared cores; they prove nothing about wiring."""
    text = (ROOT / "prompts" / f"{prompt}.md").read_text(encoding="utf-8")
    path = folder / f"{prompt}-zero-shot.md"
    path.write_text(text[:text.index("\n## user")] + text[text.rindex("\n## user"):], encoding="utf-8")
    return str(path)


def test_the_local_model_reads_a_whole_record_in_the_schema_and_the_cache_keeps_it(local_llm, seed002, tmp_path):
    """The header and funding block of 002-01 alone leave the indicators blank: a whole-record request. The
    grammar-constrained answer parses as RecordAnswer (or is cut off at record_max_tokens); a parsed answer
    is judged, never raises the error count, and is read from the cache the second time."""
    table = seed002.model_copy(update={"rows": split_forms(seed002.rows)[0][:9]})
    [draft] = records_from_table(table)
    options = local(local_llm, tmp_path, retries=0, record_max_tokens=256,
                    record_prompt=zero_shot("record.v1", tmp_path))
    assert request_kind(draft, options) == "record"
    [first] = refine_records([draft], table, options)
    [again] = refine_records([draft], table, options)
    print(f"\nSmolLM2 whole record: {first.llm}")
    assert first.llm.prompt_version == "record.v1-zero-shot" and first.llm.calls == 1 and first.llm.tokens > 0
    if first.llm.failure:
        assert first.llm.failure == "invalid_answer" and again.llm.calls == 1 and not again.llm.cache_hit
    else:
        assert len(first.errors()) <= len(draft.errors())
        assert again.llm.cache_hit and again.model_dump(exclude={"llm"}) == first.model_dump(exclude={"llm"})


def test_auto_never_lowers_accuracy_on_the_seeds(local_llm, tmp_path, gold_dir):
    """--llm auto against --llm off on every seed (only 002-05 is sent: the others pass their checks),
    then again from the cache."""
    options = ExtractOptions(llm=local(local_llm, tmp_path, retries=0))
    accuracy = {}
    for name, opts in (("off", ExtractOptions()), ("auto", options), ("cached", options)):
        records = {path.name[:3]: records_from_table(read_document(path), opts) for path in sorted(SEEDS.glob("*.txt"))}
        results = [compare_records(load_gold(gold_dir / f"{key}.json"), [r.model_dump(mode="json") for r in recs])
                   for key, recs in records.items()]
        accuracy[name] = sum(sum(r.correct.values()) for r in results) / sum(sum(r.total.values()) for r in results)
        summary = LLMRunSummary.of(r for recs in records.values() for r in recs)
        print(f"\n{name}: field accuracy {accuracy[name]:.4%}; {summary}")
        if name == "auto":
            assert summary.forms == 1 and summary.calls == 1 and summary.tokens > 0
            answered = not summary.failures  # a well-formed answer, which the cache keeps
        if name == "cached":
            assert (summary.cache_hits, summary.calls) == ((1, 0) if answered else (0, 1))
    assert accuracy["auto"] >= accuracy["off"] and accuracy["cached"] == accuracy["auto"]


def test_a_local_timeout_is_bounded(local_llm, seed002, tmp_path):
    """Last: the server may go on with the abandoned prompt for a while."""
    started = time.monotonic()
    [record] = refine_records([r for r in records_from_table(seed002) if r.id == "002-05"], seed002,
                              local(local_llm, tmp_path, timeout=0.2, retries=0))
    assert record.llm.failure == "timeout" and time.monotonic() - started < 30
