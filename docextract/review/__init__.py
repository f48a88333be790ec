"""The review of flagged forms: what the pages show (`view.py`), the pages themselves (templates and static
files, served by `docextract serve` or written as a static copy by `docextract review OUTDIR`), reviewers'
corrections checked, stored and re-checked (`correct.py`, `recheck.py`; the rows: `docextract.store.corrections`),
and corrected forms turned into gold records (`gold.py`)."""
