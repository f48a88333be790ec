"""`docextract review OUTDIR`: the review pages as static files in OUTDIR/review/, to open without a server.

One folder: index.html, a page per form, the page images they show (rendered once per document page) and
the script and style sheet. Corrections made on a static copy are collected in the browser and downloaded;
`docextract review OUTDIR --apply FILE` stores them (`apply.py`).
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from docextract.review.pages import render_page
from docextract.review.render import ASSETS, form_page, index_page
from docextract.review.sourcefiles import SourceFiles
from docextract.review.view import Links, form_summaries, form_view
from docextract.store.forms import parse_form_id

SITE_FOLDER = "review"
LINKS = Links(index="index.html", assets="assets/", form=lambda form_id: f"form-{form_id}.html",
              page_image=lambda sha256, page: f"pages/{sha256}-{page}.png")


def write_site(conn: sqlite3.Connection, outdir: Path, files: SourceFiles, dpi: int,
               flagged_only: bool = False) -> Path:
    """Write the static review of every stored form (or only the flagged ones); returns its index.html."""
    site = outdir / SITE_FOLDER
    (site / "pages").mkdir(parents=True, exist_ok=True)
    shutil.copytree(ASSETS, site / "assets", dirs_exist_ok=True)
    forms = [form for form in form_summaries(conn) if form.status == "flagged" or not flagged_only]
    for form in forms:
        sha256, form_index = parse_form_id(form.form_id)
        source_file = files.find(conn, sha256)
        view = form_view(conn, sha256, form_index, source_file, LINKS)
        for page in view["pages"]:
            image = site / page["image"]
            if not image.exists():
                image.write_bytes(render_page(source_file, page["page"], dpi))
        (site / LINKS.form(form.form_id)).write_text(form_page(view, LINKS, "static"), encoding="utf-8")
    index = site / LINKS.index
    index.write_text(index_page(forms, LINKS, "static"), encoding="utf-8")
    return index
