"""`python -m docextract`: the same command as `docextract`."""

from docextract.cli import app

app(prog_name="docextract")
