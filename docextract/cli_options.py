"""Options several commands share, each with the range it is checked against before any work starts."""

from __future__ import annotations

from typing import Annotated

import typer

# Below 50 dpi a printed character is a few pixels high; above 1200 an A4 page passes the pixel limit
DPI_RANGE = (50, 1200)

Dpi = Annotated[int, typer.Option(min=DPI_RANGE[0], max=DPI_RANGE[1], help="Render dpi for scanned pages.")]
Threads = Annotated[int, typer.Option(min=1, help="OCR threads.")]


def positive(value: float | None) -> float | None:
    """An option callback for seconds and the like: a limit of 0 would stop everything."""
    if value is not None and value <= 0:
        raise typer.BadParameter(f"{value:g} is not above 0")
    return value
