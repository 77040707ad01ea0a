"""Path converters for the web URLs (issue 12): every integer in a path is bounded, so an absurd
number is a 404 rather than an overflow deep in the database driver or the date library.

- `<id:pk>`: a row id, 1 to 18 digits (below 2**63, the largest BigAutoField id on SQLite and
  PostgreSQL).
- `<schoolyear:start_year>`: the calendar year a school year starts in, 2000 to 2100 (the range the
  report pages accept in `?year=`); terms for year 9999 would end in year 10000, which Python's
  dates cannot hold.
"""

from django.urls import register_converter

SCHOOL_YEARS = range(2000, 2101)


class RowId:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class SchoolYearStart:
    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        year = int(value)
        if year not in SCHOOL_YEARS:
            raise ValueError(f"no school year starts in {year}")  # the URL does not match: 404
        return year

    def to_url(self, value: int) -> str:
        return str(value)


class ExportFormat:
    regex = "csv|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


def register() -> None:
    register_converter(RowId, "id")
    register_converter(SchoolYearStart, "schoolyear")
    register_converter(ExportFormat, "exportfmt")
