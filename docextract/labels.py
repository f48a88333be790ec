"""The form's printed grammar, shared by the sources that rebuild rows and by the mapper.

Section labels come from data/form_labels.json, indicator categories from the official taxonomy.
Texts are compared by `key`: NFKC, HTML tags / markdown pipes and all whitespace removed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from docextract import taxonomy
from docextract.model import Row
from docextract.values import compact, strip_debris

_YEAR = re.compile(r"((?:19|20)\d{2})年度")
_POINTS = re.compile(r"^(.+?)[(（](\d+(?:\.\d+)?)分[)）]$")  # '产出指标(70分)': a label and its points


@lru_cache(maxsize=16384)  # cell texts, a paragraph at most each: bounded in a long batch
def key(text: str | None) -> str:
    return compact(strip_debris(text or ""))


@lru_cache(maxsize=16384)
def points_of(k: str) -> tuple[str, float | None]:
    """A label printed with its points ('产出指标(70分)', '总分（100分）') -> the label, the points."""
    m = _POINTS.match(k)
    return (m.group(1), float(m.group(2))) if m else (k, None)


def row_keys(row: Row) -> list[str]:
    """The `key` of each of the row's text cells (`Row.nonblank`)."""
    return row.derived("_keys", lambda _: [key(c.text) for c in row.nonblank()])


@cache
def _labels() -> dict:
    return json.loads((Path(__file__).parent / "data" / "form_labels.json").read_text(encoding="utf-8"))


def title() -> str:
    return _labels()["title"]


def is_title(k: str) -> bool:
    """The form's title, in any of the spellings its template generations and provinces print
    (财政项目支出绩效自评表, 项目支出绩效目标自评表…), whatever precedes it (a county's name) or follows."""
    return any(spelling in k for spelling in _labels()["titles"])


def year_of(k: str) -> int | None:
    m = _YEAR.search(k)
    return int(m.group(1)) if m else None


def marks() -> tuple[str, str]:
    """The characters a tick box prints ticked, and empty."""
    return _labels()["tick_marks"], _labels()["box_marks"]


def funding_units() -> list[str]:
    return _labels()["funding_units"]


@lru_cache(maxsize=16384)
def role_of(k: str, group: str) -> str | None:
    """The role a label cell plays in a label group ("info", "funding_header", "funding_rows",
    "goal_header", "indicator_header"): the role whose longest spelling the cell holds, allowing a few
    characters of decoration ("执行率(%)", "其中:当年财政拨款"). None for other cells."""
    slack = _labels()["label_slack"]
    best, best_len = None, 0
    for role, spellings in _labels()[group].items():
        for spelling in spellings:
            if spelling in k and len(k) <= len(spelling) + slack and len(spelling) > best_len:
                best, best_len = role, len(spelling)
    return best


@lru_cache(maxsize=16384)
def leading_role(k: str, group: str) -> str | None:
    """The role whose spelling opens the text, whatever follows ("项目名称其他专项工作经费")."""
    for role, spellings in _labels()[group].items():
        if any(k.startswith(s) for s in spellings):
            return role
    return None


@cache
def all_labels() -> frozenset[str]:
    """Every label the form prints: titles, section and header labels, 总分, 评分等级, the categories."""
    found = set(_labels()["titles"])
    for name in ("info", "funding_header", "funding_rows", "goal_header", "indicator_header"):
        found.update(s for spellings in _labels()[name].values() for s in spellings)
    found.update(_labels()["total"] + _labels()["grade"])
    return frozenset(found | categories().terms)


def roles_in(group: str) -> list[str]:
    return list(_labels()[group])


def spellings(group: str, role: str | None = None) -> list[str]:
    """Spellings of a role of a label group, or of a single label ("total", "grade")."""
    return _labels()[group] if role is None else _labels()[group][role]


@lru_cache(maxsize=4096)
def is_label(k: str, name: str) -> bool:
    """A single label such as "total" (总分) or "grade" (评分等级) opening the cell."""
    slack = _labels()["label_slack"]
    return any(k.startswith(s) and len(k) <= len(s) + slack for s in _labels()[name])


HEADER_GROUPS = ("funding_header", "goal_header", "indicator_header")


@lru_cache(maxsize=16384)
def is_form_label(k: str) -> bool:
    """A text that prints one of the form's own labels: its title, an info label, a header label, 总分,
    评分等级 (what tells a page of a form from a blank, noisy or stamped page)."""
    return bool(k) and (is_title(k) or leading_role(k, "info") is not None or is_label(k, "total")
                        or is_label(k, "grade") or any(role_of(k, group) for group in HEADER_GROUPS))


@dataclass(frozen=True)
class Categories:
    level1: frozenset[str]
    level2: frozenset[str]
    terms: frozenset[str]  # both levels
    parents: dict[str, frozenset[str]]  # level-2 label -> the level-1 labels it may sit under
    prefixes: frozenset[str]  # every non-empty prefix of a label: a category cut by a wrap or a page break
    suffixes: frozenset[str]  # every proper suffix of a label: the part printed after the cut

    def completions(self, prefix: str) -> list[str]:
        return sorted(t for t in self.terms if t.startswith(prefix))


@cache
def categories() -> Categories:
    level1 = frozenset(taxonomy.level1_labels())
    parents: dict[str, set[str]] = {}
    for parent in level1:
        for child in taxonomy.level2_labels(parent):
            parents.setdefault(child, set()).add(parent)
    terms = level1 | frozenset(parents)
    return Categories(
        level1=level1,
        level2=frozenset(parents),
        terms=terms,
        parents={child: frozenset(p) for child, p in parents.items()},
        prefixes=frozenset(t[:i] for t in terms for i in range(1, len(t) + 1)),
        suffixes=frozenset(t[i:] for t in terms for i in range(1, len(t))),
    )
