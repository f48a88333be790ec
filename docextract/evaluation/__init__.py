"""Accuracy against hand-verified gold records: field accuracy, row recall and precision, character
accuracy of text, taxonomy alignment, silent errors and false alarms; the datasets, runs, baseline gate
and degradation sweep built on them. Reports (Markdown, HTML, plots) live in `docextract.report`."""

from docextract.evaluation.compare import EvalResult, FormOutcome, Mismatch, compare_form, compare_records
from docextract.evaluation.fields import MISSING, NUMBER_TOLERANCE, values_equal
from docextract.evaluation.gold import gold_for, gold_key, load_gold

__all__ = [
    "MISSING", "NUMBER_TOLERANCE", "EvalResult", "FormOutcome", "Mismatch", "compare_form", "compare_records",
    "gold_for", "gold_key", "load_gold", "values_equal",
]
