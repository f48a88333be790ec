"""A cell table -> the rows of each form. A form opens at its title row (also when the title sits in
HTML tags or shares its cell with the year), or at a second 项目名称 row when a title was lost."""

from __future__ import annotations

from functools import lru_cache

from docextract import labels
from docextract.model import Row

TITLE_SLACK = 24  # characters a title cell may carry besides the title: the year, brackets, tags


@lru_cache(maxsize=16384)
def _title_cell(k: str) -> bool:
    return labels.is_title(k) and len(k) <= len(labels.title()) + TITLE_SLACK


def split_forms(rows: list[Row]) -> list[list[Row]]:
    forms: list[list[Row]] = []
    named = False  # the current form already has its 项目名称 row
    for row in rows:
        keys = labels.row_keys(row)
        title = any(_title_cell(k) for k in keys)
        project = any(labels.leading_role(k, "info") == "project_name" for k in keys)
        if title or (project and (named or not forms)):
            forms.append([])
            named = False
        if forms:
            forms[-1].append(row)
            named = named or project
    return forms
