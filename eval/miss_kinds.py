"""What reading past the recognizer fixes, per kind of miss: a dataset extracted twice, as recognized
(no re-reading of fields from the recognizer's doubts, no check-driven repair) and as shipped, each
field miss sorted by its kind, printed as fixed / made worse / left.

    .venv/bin/python eval/miss_kinds.py [--dataset dev-hard]

A miss is a field whose value differs from gold. Its kind is read off the gold and the value that
missed it: a '%' read as a digit, stray or lost punctuation at a cell's edge, one Chinese character
misread into a non-word, a goal paragraph, a funding amount misread, a number misread elsewhere, the
rest (cells in other columns, text lost).
"""

from __future__ import annotations

import argparse
import dataclasses
from collections import Counter

from rich.console import Console
from rich.table import Table

from docextract.evaluation.datasets import load_dataset
from docextract.evaluation.run import extract_run
from docextract.settings import ExtractOptions

KINDS = ("percent_as_digit", "edge_punctuation", "cjk_misread", "goal_paragraph", "funding_amount",
         "other_number", "other")
_EDGE = ".,:;~·、。，：；…-—_'\"`()（）"


def miss_kind(field: str, gold: object, got: object) -> str:
    if field.startswith("goal_"):
        return "goal_paragraph"
    if not isinstance(gold, str) or not isinstance(got, str):
        return "funding_amount" if field.startswith("funding.") else "other_number"
    if "%" in gold and _percent_as_digit(gold, got):
        return "percent_as_digit"
    if gold.strip(_EDGE) == got.strip(_EDGE):
        return "edge_punctuation"
    if len(gold) == len(got) and all(a == b or _cjk(a) and _cjk(b) for a, b in zip(gold, got)):
        return "cjk_misread"
    return "other"


def _percent_as_digit(gold: str, got: str) -> bool:
    """'99%' read '995', '>=85%' read '>=851': the percent sign's place holds a digit."""
    at = gold.index("%")
    return len(got) >= at + 1 and got[:at] == gold[:at] and got[at].isdigit()


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def misses(dataset: str, options: ExtractOptions) -> Counter:
    """(form, field, gold) -> how many of its fields missed, with the value read, per kind."""
    found: Counter = Counter()
    for case in load_dataset(dataset):
        for m in extract_run(case, options).score().result.mismatches:
            found[(m.form, m.field, repr(m.gold), miss_kind(m.field, m.gold, m.pred))] += 1
    return found


def _by_field(found: Counter) -> Counter:
    """(form, field, gold) -> misses of every kind (one field may miss in other ways in the two runs)."""
    out: Counter = Counter()
    for key, n in found.items():
        out[key[:3]] += n
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", default="dev-hard")
    args = parser.parse_args()
    shipped = ExtractOptions()
    raw = misses(args.dataset, dataclasses.replace(shipped, reread=False, repair=False))
    final = misses(args.dataset, shipped)
    raw_fields, final_fields = _by_field(raw), _by_field(final)
    table = Table(title=f"misses by kind on {args.dataset}: as recognized → as shipped")
    for column in ("kind", "as recognized", "fixed", "made worse", "left"):
        table.add_column(column, justify="left" if column == "kind" else "right")
    totals = Counter()
    for kind in KINDS:
        before = {key[:3]: n for key, n in raw.items() if key[3] == kind}
        after = {key[:3]: n for key, n in final.items() if key[3] == kind}
        fixed = sum(max(0, n - final_fields[key]) for key, n in before.items())
        worse = sum(max(0, n - raw_fields[key]) for key, n in after.items())
        left = sum(before.values()) - fixed
        row = Counter({"as recognized": sum(before.values()), "fixed": fixed, "made worse": worse, "left": left})
        totals.update(row)
        table.add_row(kind, *(str(row[c]) for c in ("as recognized", "fixed", "made worse", "left")))
    table.add_row("all", *(str(totals[c]) for c in ("as recognized", "fixed", "made worse", "left")))
    Console().print(table)


if __name__ == "__main__":
    main()
