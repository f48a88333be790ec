"""`docextract serve`: the HTTP API (extract, jobs, forms, corrections) and the live review page.

Results live in the data folder's database, the same schema a batch writes (`docextract.store`), so
`docextract export DATA` and `docextract review DATA` work on a server's data as on a batch's output."""

from docextract.service.app import create_app
from docextract.service.settings import ServiceSettings

__all__ = ["ServiceSettings", "create_app"]
