"""Plain-text tables for the terminal, shared by the CLI and the demo."""

from __future__ import annotations


def format_table(
    headers: list[str], rows: list[list[str]], *, indent: str = "", max_width: int | None = None
) -> str:
    """Left-aligned columns two spaces apart; cells cut at `max_width` characters."""
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    if max_width:
        widths = [min(w, max_width) for w in widths]
    lines = [headers, *rows]
    return "\n".join(
        indent + "  ".join(c[:w].ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )
