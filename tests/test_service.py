"""The HTTP service over real HTTP on 127.0.0.1: the key guards every route but /healthz, uploads are judged
by size, content and page count with a reason for every refusal, jobs survive a killed server, corrections are
kept, re-checked, exported and turned into gold, the OpenAPI document holds (schemathesis), and a bounded load
gets no errors."""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from docextract.review.fields import MAX_TEXT_CHARS
from docextract.service.lockout import AuthLockout
from docextract.store import open_store
from docextract.store.jobs import QueuedDocument, create_job
from docextract.store.schema import DATABASE_NAME, DDL, SCHEMA_VERSION
from eval.bench_service import LocalServer, distinct_documents, run_load

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEED_002 = FIXTURES / "seeds" / "002_01ee96ef31214bdb.txt"
SEED_000 = FIXTURES / "seeds" / "000_d6fb5927a796c3d2.txt"
SEED_001 = FIXTURES / "seeds" / "001_c641418311814509.txt"
SAMPLE_PDF = FIXTURES / "samples" / "sample.digital.pdf"  # 4 pages, 3 forms
CORRUPT = b"%PDF-1.7\n" + bytes(range(256)) * 8
# small limits, so that refusals are cheap to provoke: 1 MB per file, 2 pages for /v1/extract; and wrong keys are
# sent on purpose (here and by schemathesis), so this server's lock-out is far away (tested on a server of its own)
LIMITS = ["--workers", "1", "--max-upload-mb", "1", "--max-extract-pages", "2", "--max-auth-failures", "1000"]

pytestmark = pytest.mark.slow  # a server, subprocesses


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with LocalServer(tmp_path_factory.mktemp("service") / "data", LIMITS) as running:
        yield running


def call(server: LocalServer, method: str, path: str, **kwargs) -> httpx.Response:
    headers = {**server.headers, **kwargs.pop("headers", {})}
    return httpx.request(method, server.url + path, headers=headers, timeout=120, **kwargs)


def extract(server: LocalServer, name: str, content: bytes) -> httpx.Response:
    return call(server, "POST", "/v1/extract", files={"file": (name, content)})


def refused(response: httpx.Response, status: int, error: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == error and body["reason"]
    return body["reason"]


# ---------------------------------------------------------------- the key


def test_health_needs_no_key_and_every_other_route_does(server):
    assert httpx.get(f"{server.url}/healthz").json() == {"status": "ok"}
    for method, path in [("GET", "/v1/jobs/abc"), ("POST", "/v1/extract"), ("POST", "/v1/jobs"),
                         ("GET", "/v1/forms/abc-1"), ("POST", "/v1/forms/abc-1/corrections"),
                         ("GET", "/openapi.json"), ("GET", "/docs"), ("GET", "/review/"),
                         ("GET", "/review/assets/review.js"), ("GET", "/nowhere")]:
        response = httpx.request(method, server.url + path)
        assert "Bearer" in refused(response, 401, "unauthorized"), path
        assert response.headers["www-authenticate"] == "Bearer"
        wrong = httpx.request(method, server.url + path, headers={"Authorization": "Bearer " + "x" * 32})
        assert refused(wrong, 401, "unauthorized") == "the API key is not valid"


def test_a_browser_signs_in_and_its_cookie_only_reads_and_sends_json(server):
    page = httpx.get(f"{server.url}/review/", headers={"Accept": "text/html"})
    assert page.status_code == 303 and page.headers["location"] == "/review/login?next=/review/"
    assert httpx.post(f"{server.url}/review/login", data={"key": "wrong" * 5}).status_code == 401
    refused(httpx.post(f"{server.url}/review/login", data={"key": "k" * 100_000}), 413, "too_large")  # no key: small
    signed_in = httpx.post(f"{server.url}/review/login", data={"key": server.key, "next": "https://elsewhere/"})
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/review/"  # no open redirect
    cookie = signed_in.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and server.key not in cookie
    with httpx.Client(base_url=server.url, cookies=signed_in.cookies) as browser:
        assert browser.get("/review/").status_code == 200
        assert browser.get("/v1/jobs/nope").status_code == 404  # reads pass
        upload = browser.post("/v1/extract", files={"file": ("x.txt", SEED_002.read_bytes())})
        refused(upload, 401, "unauthorized")  # a form post from another site would look like this


def test_wrong_keys_and_sign_ins_lock_the_client_out(tmp_path):
    limits = ["--workers", "1", "--max-auth-failures", "3", "--auth-lockout", "600"]
    with LocalServer(tmp_path / "data", limits) as guarded:
        def from_address(address: str) -> httpx.Client:
            return httpx.Client(base_url=guarded.url, transport=httpx.HTTPTransport(local_address=address), timeout=60)

        wrong = {"Authorization": "Bearer " + "x" * 32}
        with from_address("127.0.0.2") as other:  # a client that gets its key right in between keeps no count
            for _ in range(2):
                refused(other.get("/v1/jobs/nope", headers=wrong), 401, "unauthorized")
            assert other.get("/v1/jobs/nope", headers=guarded.headers).status_code == 404
        with from_address("127.0.0.1") as guesser:
            for _ in range(5):  # no key at all is no guess
                assert "Bearer" in refused(guesser.get("/v1/jobs/nope"), 401, "unauthorized")
            for _ in range(2):
                refused(guesser.get("/v1/jobs/nope", headers=wrong), 401, "unauthorized")
            assert guesser.post("/review/login", data={"key": "wrong" * 5}).status_code == 401  # the third
            for attempt in (lambda: guesser.get("/v1/jobs/nope", headers=guarded.headers),  # even the right key
                            lambda: guesser.post("/review/login", data={"key": guarded.key}),
                            lambda: guesser.get("/v1/jobs/nope", headers=wrong)):
                response = attempt()
                assert "try again in" in refused(response, 429, "locked_out")
                assert 590 <= int(response.headers["retry-after"]) <= 600
            assert guesser.get("/healthz").status_code == 200
        with from_address("127.0.0.2") as other:  # counted per client address
            assert other.get("/v1/jobs/nope", headers=guarded.headers).status_code == 404
            refused(other.get("/v1/jobs/nope", headers=wrong), 401, "unauthorized")


def test_a_lockout_ends_and_the_oldest_clients_are_forgotten():
    now = [1000.0]
    lockout = AuthLockout(max_failures=3, lockout=60, max_clients=2, clock=lambda: now[0])
    for _ in range(2):
        lockout.failed("a")
    now[0] += 61  # failures older than the lock-out period no longer count
    lockout.failed("a")
    assert lockout.retry_after("a") == 0
    lockout.failed("a"), lockout.failed("a")
    assert lockout.retry_after("a") == 60
    now[0] += 59.5
    assert lockout.retry_after("a") == 1
    lockout.succeeded("a")  # a right key does not lift a lock-out
    now[0] += 0.5
    assert lockout.retry_after("a") == 0
    for client in ("b", "c", "d"):
        for _ in range(3):
            lockout.failed(client)
    assert [lockout.retry_after(client) for client in "bcd"] == [0, 60, 60]  # at most 2 followed: b forgotten


def test_a_key_in_the_query_string_is_refused_and_kept_out_of_the_log(server):
    response = httpx.get(f"{server.url}/v1/jobs/nope", params={"api_key": server.key, "next": "/review/"})
    refused(response, 401, "unauthorized")
    log = server.log.read_text(errors="replace")
    assert '"GET /v1/jobs/nope?… HTTP/1.1" 401' in log
    assert server.key not in log


def test_the_openapi_document_describes_the_api(server):
    spec = call(server, "GET", "/openapi.json").json()
    assert {"/healthz", "/v1/extract", "/v1/jobs", "/v1/jobs/{job_id}", "/v1/forms/{form_id}",
            "/v1/forms/{form_id}/corrections", "/v1/forms/{form_id}/review"} <= set(spec["paths"])
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert "ErrorBody" in spec["components"]["schemas"]


# ---------------------------------------------------------------- extraction and uploads


def test_extract_answers_with_checked_records(server):
    response = extract(server, SEED_002.name, SEED_002.read_bytes())
    assert response.status_code == 200, response.text
    forms = response.json()["forms"]
    assert [f["id"] for f in forms] == [f"002-{n:02d}" for n in range(1, 11)]
    flagged = {f["id"]: f for f in forms if f["status"] == "flagged"}
    assert list(flagged) == ["002-05"]
    over_budget = [f for f in flagged["002-05"]["findings"] if f["check"] == "over_budget"]
    assert "funding.total.executed" in over_budget[0]["cells"]
    stored = call(server, "GET", f"/v1/forms/{flagged['002-05']['form_id']}").json()
    assert stored == flagged["002-05"]
    again = extract(server, "renamed.txt", SEED_002.read_bytes())  # same content: answered from the store
    assert again.json()["forms"] == forms


def test_uploads_are_refused_with_a_reason(server):
    over_file_limit = refused(extract(server, "big.txt", b"x" * 1_100_000), 413, "too_large")
    assert over_file_limit == "big.txt: more than the upload limit of 1,048,576 bytes"
    over_request_limit = refused(extract(server, "big.txt", b"x" * 1_200_000), 413, "too_large")  # not even read
    assert over_request_limit == "the request is over the limit of 1,114,112 bytes"
    assert "4 pages" in refused(extract(server, "sample.pdf", SAMPLE_PDF.read_bytes()), 413, "too_many_pages")
    zip_bytes = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(200)
    assert "not a PDF" in refused(extract(server, "report.pdf", zip_bytes), 415, "unsupported_media_type")
    refused(extract(server, "empty.pdf", b""), 422, "empty_file")
    corrupt = refused(extract(server, "corrupt.pdf", CORRUPT), 422, "unreadable_document")
    assert corrupt.startswith("corrupt.pdf: ") and "corrupt" in corrupt
    prose = "关于预算执行情况的说明\n请于月底前报送。\n".encode()
    assert "no 财政项目支出绩效自评表" in refused(extract(server, "note.txt", prose), 422, "unreadable_document")
    assert not list((server.data / "uploads").glob(".partial-*"))


def test_a_body_over_the_limit_is_cut_off_even_without_a_length(server):
    def endless():  # chunked: no Content-Length to refuse up front
        yield b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.txt\"\r\n\r\n"
        for _ in range(200):  # 200 MB if it were all read
            yield b"x" * 1_048_576

    response = call(server, "POST", "/v1/extract", content=endless(),
                    headers={"Content-Type": "multipart/form-data; boundary=b"})
    refused(response, 413, "too_large")


def test_an_oversized_job_is_refused_within_one_parts_limit(server):
    """Three files of 1.5 MB declared (well within a job's 50 files), and only the first part sent, a little past
    the 1 MB limit of a file: the answer comes while the rest is unsent, and nothing is kept."""
    boundary = "3jobs"
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="big.txt"\r\n\r\n'.encode()
    declared = 3 * (len(head) + 1_500_000 + 2) + len(f"--{boundary}--\r\n")
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=60) as sock:
        sock.sendall(f"POST /v1/jobs HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {server.key}\r\n"
                     f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                     f"Content-Length: {declared}\r\n\r\n".encode())
        sock.sendall(head + b"x" * (1_048_576 + 65_536))
        response = http.client.HTTPResponse(sock)
        response.begin()  # a server that read the whole body first would time out here
        assert response.status == 413
        assert json.loads(response.read()) == {
            "error": "too_large", "reason": "big.txt: more than the upload limit of 1,048,576 bytes"}
    assert not list((server.data / "uploads").glob(".partial-*"))


def test_a_part_too_many_or_of_another_name_is_refused(server):
    seed = SEED_001.read_bytes()
    two = call(server, "POST", "/v1/extract", files=[("file", ("a.txt", seed)), ("file", ("b.txt", seed))])
    assert refused(two, 413, "too_many_files") == "more than 1 'file' part in one request"
    many = call(server, "POST", "/v1/jobs", files=[("files", (f"{n}.txt", seed)) for n in range(51)])
    assert refused(many, 413, "too_many_files") == "more than 50 'files' parts in one request"
    other = call(server, "POST", "/v1/extract", files={"document": ("a.txt", seed)})
    assert "'document'" in refused(other, 422, "invalid_request")
    refused(call(server, "POST", "/v1/extract", content=seed, headers={"Content-Type": "text/plain"}),
            415, "unsupported_media_type")
    cut = b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n' + seed  # no closing
    multipart = {"Content-Type": "multipart/form-data; boundary=b"}
    refused(call(server, "POST", "/v1/extract", content=cut, headers=multipart), 400, "bad_request")
    assert not list((server.data / "uploads").glob(".partial-*"))


def test_a_client_file_name_is_never_a_path(server):
    response = extract(server, "../../outside/evil 001.txt", SEED_001.read_bytes())
    forms = response.json()["forms"]
    assert {f["source"] for f in forms} == {"evil 001.txt"} and forms[0]["id"] == "evi-01"
    assert all(re.fullmatch(r"[0-9a-f]{64}", p.name) for p in (server.data / "uploads").iterdir())
    assert not (server.data.parent / "outside").exists() and not (server.data / "outside").exists()


# ---------------------------------------------------------------- jobs


def processes_with_key(key: str) -> list[int]:
    """Processes started with this API key in their environment: a server and its workers."""
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if f"DOCEXTRACT_API_KEY={key}".encode() in environ.read_bytes().split(b"\0"):
                found.append(int(environ.parent.name))
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


def test_a_batch_database_of_version_1_gains_the_service_tables(tmp_path):
    conn = sqlite3.connect(tmp_path / DATABASE_NAME)
    conn.executescript(f"{DDL} PRAGMA user_version = 1;")
    conn.execute("INSERT INTO documents (sha256, source, bytes, forms) VALUES ('a', 'a.txt', 1, 0)")
    conn.commit()
    conn.close()
    with closing(open_store(tmp_path, create=False)) as reopened:
        assert reopened.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
        assert reopened.execute("SELECT source FROM documents").fetchall() == [("a.txt",)]
        assert reopened.execute("SELECT count(*) FROM jobs").fetchone()[0] == 0
        assert reopened.execute("SELECT count(*) FROM corrections").fetchone()[0] == 0


def test_a_job_survives_a_killed_server(tmp_path):
    data = tmp_path / "data"
    first = LocalServer(data, ["--workers", "1"]).start()
    files = [("files", (p.name, p.read_bytes())) for p in (SEED_000, SAMPLE_PDF, SEED_001)]
    files.append(("files", ("corrupt.pdf", CORRUPT)))
    posted = call(first, "POST", "/v1/jobs", files=files)
    first.kill()  # SIGKILL right after the answer: the worker had no time to finish
    assert posted.status_code == 202, posted.text
    job = posted.json()
    assert job["status"] in ("queued", "running") and job["progress"]["documents"] == 4
    with sqlite3.connect(data / "docextract.sqlite") as conn:
        assert conn.execute("SELECT count(*) FROM job_documents WHERE status IN ('done', 'failed')").fetchone()[0] == 0
    deadline = time.monotonic() + 10
    while left := processes_with_key(first.key):  # its worker processes follow it
        assert time.monotonic() < deadline, f"workers outlived the killed server: {left}"
        time.sleep(0.2)

    with LocalServer(data, ["--workers", "1"], key=first.key) as second:
        deadline = time.monotonic() + 120
        while (status := call(second, "GET", f"/v1/jobs/{job['id']}").json())["status"] != "done":
            assert time.monotonic() < deadline, status
            time.sleep(0.5)
    assert [(d["name"], d["status"], len(d["forms"])) for d in status["documents"]] == [
        (SEED_000.name, "done", 34), (SAMPLE_PDF.name, "done", 3), (SEED_001.name, "done", 3),
        ("corrupt.pdf", "failed", 0)]
    assert "corrupt" in status["documents"][3]["error"]
    assert (status["progress"]["done"], status["progress"]["failed"]) == (3, 1) and status["finished_at"]


# ---------------------------------------------------------------- corrections


def test_a_correction_is_kept_rechecked_exported_and_becomes_gold(server, tmp_path):
    forms = extract(server, SEED_002.name, SEED_002.read_bytes()).json()["forms"]
    form_id = next(f["form_id"] for f in forms if f["id"] == "002-05")
    body = {"corrections": [{"field": "funding.total.executed", "value": "150,000.00"},
                            {"field": "funding.appropriation.executed", "value": 150000},
                            {"field": "funding.total.execution_rate", "value": "100.00%"}],
            "reviewer": "li", "comment": "the scan shows 150,000"}
    corrected = call(server, "POST", f"/v1/forms/{form_id}/corrections", json=body).json()
    assert corrected["status"] == "verified" and not [f for f in corrected["findings"] if f["severity"] == "error"]
    assert corrected["funding"]["total"]["executed"] == 150000.0
    assert [(c["field"], c["extracted"], c["corrected"]) for c in corrected["corrections"]] == [
        ("funding.total.executed", 1500000.0, 150000.0), ("funding.appropriation.executed", 1500000.0, 150000.0),
        ("funding.total.execution_rate", 1000.0, 100.0)]
    assert {r["field"] for r in corrected["repairs"]} >= {"funding.total.executed", "funding.total.execution_rate"}
    assert call(server, "GET", f"/v1/forms/{form_id}").json() == corrected

    refused(call(server, "POST", f"/v1/forms/{form_id}/corrections",
                 json={"corrections": [{"field": "indicators[99].score", "value": 1}]}), 422, "invalid_correction")
    refused(call(server, "POST", f"/v1/forms/{form_id}/corrections",
                 json={"corrections": [{"field": "total_score", "value": "abc"}]}), 422, "invalid_correction")
    refused(call(server, "POST", f"/v1/forms/{'0' * 64}-1/corrections", json=body), 404, "not_found")
    for form in forms:
        marked = call(server, "POST", f"/v1/forms/{form['form_id']}/review", json={"reviewer": "li"})
        assert marked.json()["reviewed_at"]

    docextract = [sys.executable, "-m", "docextract.cli"]
    subprocess.run([*docextract, "export", str(server.data)], check=True, capture_output=True)
    lines = [json.loads(line) for line in (server.data / "forms.jsonl").read_text("utf-8").splitlines()]
    assert next(r for r in lines if r["id"] == "002-05" and r["source"] == SEED_002.name)["funding"]["total"][
        "executed"] == 150000.0
    corrections_csv = (server.data / "csv" / "corrections.csv").read_text("utf-8-sig").splitlines()
    assert len(corrections_csv) == 1 + 3 and "1500000.0" in corrections_csv[1]

    gold = tmp_path / "gold"
    done = subprocess.run([*docextract, "review", str(server.data), "--export-gold", str(gold)],
                          check=True, capture_output=True, text=True)
    assert "wrote 1 gold files" in done.stdout and "not marked reviewed" in done.stdout
    records = json.loads((gold / "002.json").read_text("utf-8"))
    assert len(records) == 10 and records[4]["funding"]["total"]["executed"] == 150000.0
    assert "review: funding.total.executed extracted 1500000.0, corrected to 150000.0" in records[4]["notes"]
    assert "findings" not in records[4] and set(records[4]["indicators"][0]) == {
        "level1", "level2", "name", "target", "actual", "weight", "score", "deviation"}
    evaluated = subprocess.run([*docextract, "eval", str(gold), str(SEED_002)], capture_output=True, text=True)
    assert evaluated.returncode == 0, evaluated.stderr


def test_json_bodies_and_correction_values_have_limits(server):
    form_id = extract(server, SEED_001.name, SEED_001.read_bytes()).json()["forms"][0]["form_id"]
    path = f"/v1/forms/{form_id}/corrections"
    huge = {"corrections": [{"field": "goal_actual", "value": "长" * 2_000_000}]}  # 6 MB of UTF-8
    assert refused(call(server, "POST", path, json=huge), 413, "too_large") == (
        "the request is over the limit of 1,048,576 bytes")
    long = {"corrections": [{"field": "goal_actual", "value": "长" * (MAX_TEXT_CHARS + 1)}]}
    assert "at most 5000 characters" in refused(call(server, "POST", path, json=long), 422, "invalid_request")
    assert call(server, "GET", f"/v1/forms/{form_id}").json()["corrections"] == []
    longest = {"corrections": [{"field": "goal_actual", "value": "长" * MAX_TEXT_CHARS}]}
    stored = call(server, "POST", path, json=longest).json()
    assert stored["goal_actual"] == "长" * MAX_TEXT_CHARS and len(stored["corrections"]) == 1


# ---------------------------------------------------------------- retention


def age(path: Path, days: float) -> None:
    then = time.time() - days * 86400
    os.utime(path, (then, then))


def test_retention_deletes_old_and_unreadable_uploads_but_not_what_a_job_needs(tmp_path):
    data, uploads = tmp_path / "data", tmp_path / "data" / "uploads"
    sample, seed_001, seed_002 = (hashlib.sha256(p.read_bytes()).hexdigest() for p in (SAMPLE_PDF, SEED_001, SEED_002))
    with LocalServer(data, ["--workers", "1"]) as first:
        for path in (SAMPLE_PDF, SEED_001):
            assert extract(first, path.name, path.read_bytes()).status_code == 200
        refused(extract(first, "corrupt.pdf", CORRUPT), 422, "unreadable_document")
        assert call(first, "GET", f"/review/pages/{sample}/1.png").status_code == 200
        form_001 = extract(first, SEED_001.name, SEED_001.read_bytes()).json()["forms"][0]["form_id"]
    corrupt = hashlib.sha256(CORRUPT).hexdigest()
    assert {p.name for p in uploads.iterdir()} == {sample, seed_001, corrupt}
    age(uploads / sample, 40)
    age(next((data / "review-pages").iterdir()), 40)
    age(uploads / corrupt, 2 / 24)  # unreadable, two hours ago
    (uploads / ".partial-dead").write_bytes(b"half an upload")
    age(uploads / ".partial-dead", 2 / 24)  # a server died while receiving it
    (uploads / seed_002).write_bytes(SEED_002.read_bytes())  # queued while no server ran, 40 days ago
    age(uploads / seed_002, 40)
    with closing(open_store(data)) as conn:
        job_id = create_job(conn, [QueuedDocument(seed_002, SEED_002.name, SEED_002.stat().st_size, 1)])

    with LocalServer(data, ["--workers", "1"]) as second:  # keeps 30 days by default; sweeps before it answers
        assert {p.name for p in uploads.iterdir()} == {seed_001, seed_002}
        assert not list((data / "review-pages").iterdir())
        deadline = time.monotonic() + 120
        while (job := call(second, "GET", f"/v1/jobs/{job_id}").json())["status"] != "done":
            assert time.monotonic() < deadline, job
            time.sleep(0.5)
        assert [(d["status"], len(d["forms"])) for d in job["documents"]] == [("done", 10)]
        assert call(second, "GET", f"/review/pages/{sample}/1.png").status_code == 404  # its upload is gone

    age(uploads / seed_001, 2)
    age(uploads / seed_002, 1)
    room = (uploads / seed_002).stat().st_size + 100
    with LocalServer(data, ["--workers", "1", "--keep-days", "0", "--keep-mb", repr(room / 1024 / 1024)]) as third:
        assert {p.name for p in uploads.iterdir()} == {seed_002}  # the oldest went first, to fit
        assert call(third, "GET", f"/v1/forms/{form_001}").status_code == 200  # records stay


# ---------------------------------------------------------------- the contract and load


def test_the_api_keeps_its_openapi_contract(server):
    """Bounded schemathesis: valid and invalid requests to every operation, every answer checked against the
    document (status codes, bodies, content types, the key being enforced). Generated bytes are never a
    readable form, so a 422 for them is right ("valid data is accepted" is off); and a multipart part is bytes to
    the server whatever the schema says, so an "invalid" upload is only an unreadable document."""
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json", headers=server.headers)
    for result in schema.get_all_operations():
        operation = result.ok()
        uploads = any(body.media_type == "multipart/form-data" for body in operation.body)
        breakable = list(operation.body) or list(operation.iter_parameters())  # /healthz has nothing to get wrong
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)[:2 if breakable else 1]:
            excluded = [positive_data_acceptance, *([negative_data_rejection] if uploads else [])]

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=12, deadline=None, database=None, suppress_health_check=list(HealthCheck))
            def holds(case):
                case.call_and_validate(headers=server.headers, excluded_checks=excluded, timeout=60)

            holds()


def test_a_bounded_load_gets_no_errors(server):
    report = run_load(server.url, server.headers, distinct_documents(40), concurrency=4)
    assert report.errors == [] and len(report.latencies) == 40
