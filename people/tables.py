"""Reading an uploaded table (CSV or xlsx) into a header row and data rows of strings, and
guessing which column holds which field for the mapping step. Pure: no Django."""

import csv
import io
from dataclasses import dataclass

MAX_ROWS = 20_000


class TableError(ValueError):
    pass


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]  # each as long as headers


def read_table(name: str, content: bytes) -> Table:
    """The table in a .csv (UTF-8, with or without a BOM; or Windows-1252) or .xlsx file."""
    lower = name.lower()
    if lower.endswith(".xlsx"):
        grid = _xlsx(content)
    elif lower.endswith(".csv") or lower.endswith(".txt"):
        grid = _csv(content)
    else:
        raise TableError("Upload a .csv or .xlsx file.")
    grid = [row for row in grid if any(cell.strip() for cell in row)]
    if not grid:
        raise TableError("The file is empty.")
    headers = [h.strip() or f"Column {i + 1}" for i, h in enumerate(grid[0])]
    if len(grid) - 1 > MAX_ROWS:
        raise TableError(f"The file has more than {MAX_ROWS:,} rows.")
    width = len(headers)
    rows = [[c.strip() for c in (r + [""] * width)[:width]] for r in grid[1:]]
    return Table(headers, rows)


def _csv(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    return [list(r) for r in csv.reader(io.StringIO(text))]


def _xlsx(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a file that is not xlsx
        raise TableError("The file is not a readable .xlsx workbook.") from exc
    sheet = book.worksheets[0]
    out = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    book.close()
    return out


def guess_mapping(
    headers: list[str], synonyms: dict[str, tuple[str, ...]]
) -> dict[str, int | None]:
    """For each field, the index of the first header that names it (case and spaces ignored)."""
    folded = ["".join(ch for ch in h.lower() if ch.isalnum()) for h in headers]
    out: dict[str, int | None] = {}
    for field, names in synonyms.items():
        out[field] = next((i for i, h in enumerate(folded) if h in names), None)
    return out
