"""The batch's results: a SQLite database per output folder (manifest + normalized tables) and its exports.

The tables are documented in `SCHEMA.md` beside this file.
"""

from docextract.store.exports import FORMATS, write_exports
from docextract.store.lock import batch_lock
from docextract.store.read import Totals, manifest_status, totals
from docextract.store.schema import DATABASE_NAME, StoreError, database_path, open_store
from docextract.store.write import add_sources, save_document

__all__ = ["DATABASE_NAME", "FORMATS", "StoreError", "Totals", "add_sources", "batch_lock", "database_path",
           "manifest_status", "open_store", "save_document", "totals", "write_exports"]
