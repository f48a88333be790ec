"""The review page in headless Chromium (Debian's, driven by Playwright): signing in, the flagged-forms filter,
a flagged cell marked on the page image and in the values with the failed check's sentence, a correction saved
and re-checked; and the static copy (`docextract review OUTDIR`), whose corrections are downloaded and applied.

DOCEXTRACT_REVIEW_SCREENSHOT=docs/review.png makes the first test also save its screenshot of the flagged
form there (how docs/review.png is made).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import struct
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import httpx
import pymupdf
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from docextract.batch.plan import fingerprint
from docextract.model import DocumentResult
from docextract.review.sourcefiles import SourceFiles
from docextract.store import open_store, save_document
from eval.bench_service import LocalServer
from fixtures.generate import render_digital

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEED_002 = FIXTURES / "seeds" / "002_01ee96ef31214bdb.txt"
FLAGGED_ID = "002-05"  # the document prints 全年执行数 1,500,000 against a budget of 150,000 (1000 %)
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.slow  # a server and a browser


@pytest.fixture(scope="module")
def flagged_pdf(tmp_path_factory) -> Path:
    """Gold 002-05 drawn as a born-digital PDF: one form, flagged by the checks."""
    gold = [r for r in json.loads((FIXTURES / "gold" / "002.json").read_text("utf-8")) if r["id"] == FLAGGED_ID]
    path = tmp_path_factory.mktemp("pdf") / "002-05.digital.pdf"
    render_digital(gold, path)
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory, flagged_pdf):
    with LocalServer(tmp_path_factory.mktemp("review") / "data", ["--workers", "1"]) as running:
        for path in (flagged_pdf, SEED_002):
            response = httpx.post(f"{running.url}/v1/extract", files={"file": (path.name, path.read_bytes())},
                                  headers=running.headers, timeout=120)
            assert response.status_code == 200, response.text
        yield running


@pytest.fixture(scope="module")
def browser():
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is missing: `make test` installs it (apt-get install chromium)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser) -> Page:
    context = browser.new_context(viewport={"width": 1500, "height": 950}, accept_downloads=True)
    yield context.new_page()
    context.close()


def form_link(page: Page, source: str) -> str:
    """The link of the one row shown for the document `source`."""
    return page.locator("#forms tbody tr:visible", has_text=source).locator("a").get_attribute("href")


def test_a_reviewer_sees_the_flagged_cell_and_saves_a_correction(server, page, flagged_pdf):
    page.goto(f"{server.url}/review/")
    page.fill("#key", server.key)
    page.click("button[type=submit]")
    rows = page.locator("#forms tbody tr:visible")
    expect(rows).to_have_count(2)  # the default filter: flagged, not reviewed (the PDF's form and the text's)
    page.select_option("#filter", "all")
    expect(rows).to_have_count(11)

    page.goto(server.url + form_link(page, flagged_pdf.name))
    image = page.locator(".sheet img")
    expect(image).to_be_visible()
    assert page.evaluate("document.querySelector('.sheet img').naturalWidth") > 0
    cell = page.locator('.value[data-path="funding.total.executed"]')
    expect(cell).to_have_class("value number mark-error")
    expect(page.locator('.box.mark-error[data-path="funding.total.executed"]')).to_be_visible()
    finding = page.locator(".finding.sev-error", has_text="over_budget").first
    expect(finding).to_contain_text("exceeds 全年预算数 150,000.00")
    cell.focus()
    expect(page.locator("#field-info")).to_contain_text("a slipped digit or decimal point?")
    if target := os.environ.get("DOCEXTRACT_REVIEW_SCREENSHOT"):
        page.screenshot(path=target)

    cell.fill("150,000.00")
    page.fill('.value[data-path="funding.appropriation.executed"]', "150000")
    page.fill('.value[data-path="funding.total.execution_rate"]', "100.00%")
    expect(page.locator("#pending")).to_have_text("3 unsaved changes")
    page.fill("#reviewer", "li")
    page.fill("#comment", "the document prints 1,500,000 by mistake")
    page.click("#save")
    expect(page.locator("#message")).to_have_text("saved and re-checked: verified")
    expect(page.locator("#status")).to_have_text("verified")
    expect(cell).to_have_class("value number corrected")
    expect(page.locator("#findings")).to_have_text("Every check passed.")

    form_id = page.evaluate("JSON.parse(document.getElementById('form-data').textContent).form_id")
    stored = httpx.get(f"{server.url}/v1/forms/{form_id}", headers=server.headers).json()
    assert stored["status"] == "verified" and stored["funding"]["total"]["executed"] == 150000.0
    assert [(c["field"], c["extracted"], c["reviewer"]) for c in stored["corrections"]][0] == (
        "funding.total.executed", 1500000.0, "li")

    page.click("#mark-reviewed")
    expect(page.locator("#reviewed")).to_be_visible()


def test_a_batch_source_is_shown_only_from_inside_the_inputs_and_with_its_content(tmp_path):
    inputs, outside = tmp_path / "archive", tmp_path / "elsewhere"
    inputs.mkdir()
    outside.mkdir()
    content = SEED_002.read_bytes()
    (inputs / "002.txt").write_bytes(content)
    (inputs / "changed.txt").write_bytes(content + b"\n")
    (outside / "002.txt").write_bytes(content)
    sha256 = fingerprint(inputs / "002.txt")[0]
    with closing(open_store(tmp_path / "out")) as conn:
        for source in ("../elsewhere/002.txt", "changed.txt"):  # a path out of the folder; other content
            save_document(conn, sha256, len(content), [source], DocumentResult(source=source, kind="text"))
        assert SourceFiles(None, [inputs]).find(conn, sha256) is None
        save_document(conn, sha256, len(content), ["002.txt"], DocumentResult(source="002.txt", kind="text"))
        assert SourceFiles(None, [inputs]).find(conn, sha256) == (inputs / "002.txt").resolve()


def test_a_page_image_is_capped_in_pixels(flagged_pdf, tmp_path):
    """A page 10000 points square would be 13889² pixels at 100 dpi: it is rendered at the dpi that fits the cap."""
    pdf = tmp_path / "huge-page.pdf"
    with pymupdf.open(flagged_pdf) as doc:
        doc.new_page(width=10_000, height=10_000).insert_text((100, 100), "附件 2", fontname="china-s", fontsize=40)
        doc.save(pdf)
    with LocalServer(tmp_path / "data", ["--workers", "1", "--review-max-mpx", "4"]) as capped:
        response = httpx.post(f"{capped.url}/v1/extract", files={"file": (pdf.name, pdf.read_bytes())},
                              headers=capped.headers, timeout=120)
        assert response.status_code == 200, response.text
        sha256 = response.json()["forms"][0]["form_id"].rpartition("-")[0]
        sizes = []
        for number in (1, 2):
            image = httpx.get(f"{capped.url}/review/pages/{sha256}/{number}.png", headers=capped.headers, timeout=120)
            assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
            sizes.append(struct.unpack(">II", image.content[16:24]))  # the IHDR chunk: width, height
    with pymupdf.open(flagged_pdf) as doc:
        first = doc[0].rect
    assert sizes[0] == (math.ceil(first.width * 100 / 72), math.ceil(first.height * 100 / 72))  # 100 dpi, as asked
    (width, height) = sizes[1]
    assert width == height and 0.99 * 4_000_000 <= width * height <= 4_000_000


def test_the_static_copy_collects_corrections_for_the_database(server, page, tmp_path):
    docextract = [sys.executable, "-m", "docextract.cli"]
    subprocess.run([*docextract, "review", str(server.data)], check=True, capture_output=True)
    index = server.data / "review" / "index.html"
    page.goto(index.as_uri())
    page.select_option("#filter", "flagged")
    text_form = page.locator("#forms tbody tr:visible", has_text=SEED_002.name)
    expect(text_form).to_have_count(1)  # 002-05 of the text export; the PDF's form was corrected above

    page.goto((index.parent / form_link(page, SEED_002.name)).as_uri())
    expect(page.locator(".lines li.mark-error").first).to_be_visible()  # the flagged line of the export
    page.fill('.value[data-path="funding.total.executed"]', "150000")
    page.click("#save")
    expect(page.locator("#pending-count")).to_have_text("1")
    with page.expect_download() as download:
        page.click("#download")
    corrections = tmp_path / "corrections.json"
    download.value.save_as(corrections)

    applied = subprocess.run([*docextract, "review", str(server.data), "--apply", str(corrections)],
                             check=True, capture_output=True, text=True)
    assert "stored 1 review entries" in applied.stdout
    form_id = json.loads(corrections.read_text())["entries"][0]["form_id"]
    stored = httpx.get(f"{server.url}/v1/forms/{form_id}", headers=server.headers).json()
    assert stored["funding"]["total"]["executed"] == 150000.0 and stored["corrections"][0]["extracted"] == 1500000.0


def test_the_api_docs_render_without_the_internet(server, page):
    """/docs is Swagger UI served by the server itself (fastapi-offline), not from a CDN: with every request
    beyond the server refused, the operations still render."""
    beyond: list[str] = []

    def only_the_server(route):
        if route.request.url.startswith(server.url):
            route.continue_()
        else:
            beyond.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_server)
    page.goto(f"{server.url}/review/")
    page.fill("#key", server.key)
    page.click("button[type=submit]")
    page.goto(f"{server.url}/docs")
    expect(page.locator(".opblock-summary-path", has_text="/v1/extract")).to_be_visible()
    assert beyond == []
