"""The form's year (the "(2024年度)" under the title): a plausible 4-digit year, not earlier than a year the
project name itself cites, and the year of the other forms of the same document.

A year in the project name is a different thing: "信息化建设(2023年结转项目)" or "宝财行签[2024]165号" name
the year the project was carried over from or approved in, which may precede the year the form reports on
but cannot follow it (a 2023 self-evaluation does not spend an approval of 2024). So only "form year earlier
than a year the name cites" is a contradiction; a later form year is normal. "2023-2025年" cites its start.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence

from docextract.checks.rules import Rules
from docextract.model import Finding, FormRecord
from docextract.values import nfkc

# a year as a year, not digits inside a code ("BX21-D-2212345", "资金审批表23002"):
# an approval number's year "[2024]165号" / "〔2024〕" / "【2024】", a carryover "2023年结转", any other "2022年…"
_APPROVAL = re.compile(r"[\[〔【]\s*((?:19|20)\d\d)\s*[\]〕】]")
_CARRYOVER = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*年(?:度)?\s*(?:结转|结余)")
_PLAIN = re.compile(  # "2022年…", and of "2023-2025年" its start only
    r"(?<![\d\-~—–至到])((?:19|20)\d\d)(?=\s*(?:[-~—–至到]\s*(?:19|20)?\d\d\s*)?年)")


def cited_years(text: str | None) -> tuple[list[int], list[int]]:
    """The years a project name cites: (approval-number and carryover years, which precede or equal the
    year a form reports on; other years, which usually do but may name a coming event)."""
    if not text:
        return [], []
    text = nfkc(text)
    hard = {m.start(1): int(m.group(1)) for pattern in (_APPROVAL, _CARRYOVER) for m in pattern.finditer(text)}
    soft = {m.start(1): int(m.group(1)) for m in _PLAIN.finditer(text) if m.start(1) not in hard}
    return [hard[i] for i in sorted(hard)], [soft[i] for i in sorted(soft)]


def check_year(record: FormRecord, rules: Rules) -> Iterator[Finding]:
    """Why an error: the year files the record; a misread year puts a form under another fiscal year and no
    identity of the form involves it. A year the name cites without an approval number or 结转 (a project
    named after a coming event) is weaker evidence: a warning."""
    year, span = record.year, rules.year_range
    if year is None:
        return  # a blank year is a required_field finding
    if not span.min <= year <= span.max:
        yield rules.finding("year", (
            f"year {year} is outside the years this rules pack covers ({span.min}–{span.max}): a misread year?"
        ), ["year"])
        return
    hard, soft = cited_years(record.project_name)
    for check, cited, what in (("year", hard, "an approval or carryover year"), ("year_cited", soft, "the year")):
        if cited and year < max(cited):
            yield rules.finding(check, (
                f"the form reports on {year}, but its project name {record.project_name!r} cites {max(cited)} as "
                f"{what}: a form cannot report on a year before its project's (a misread year?)"
            ), ["year", "project_name"])
            return


def check_document_years(records: Sequence[FormRecord], rules: Rules) -> list[list[Finding]]:
    """Findings per record (same order): a form alone with its year while at least two other forms of the
    same document agree on another one. Why an error: a document is one unit's self-evaluation of one year;
    one form out of line is far likelier a misread than a different year."""
    years = Counter(r.year for r in records if r.year is not None)
    if len(years) < 2:
        return [[] for _ in records]
    common, count = years.most_common(1)[0]
    findings: list[list[Finding]] = []
    for record in records:
        lone = record.year is not None and record.year != common and years[record.year] == 1 and count >= 2
        findings.append([rules.finding("year_document", (
            f"year {record.year}, while {count} other forms of this document report on {common}: a misread year?"
        ), ["year"])] if lone else [])
    return findings
