"""Excel workbooks of the provision reports, and the import template. Built with openpyxl from the
report objects of provision/reports/: the spreadsheets hold the same figures as the pages.

Money cells are numbers formatted as pounds (so a school can add them up), fidelity is a
percentage, and every sheet has a bold header row that stays in view.
"""

from collections.abc import Iterable, Sequence
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from accounts.models import School
from provision.models import Intervention, StaffRole, Wave
from provision.reports import AREA_LABELS, CostedMap, Figures, ProvisionMap
from provision.services import importing
from pupils import census
from ui import cells

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
POUNDS = '"£"#,##0.00'
PERCENT = "0%"
HOURS = "0.0"
BOLD = Font(bold=True)

FIGURE_HEADERS = [
    "Provisions",
    "Pupils",
    "Sessions delivered",
    "Sessions planned to date",
    "Fidelity",
    "Hours delivered",
    "Cost (£)",
]


def response(book: Workbook, filename: str) -> HttpResponse:
    buffer = BytesIO()
    book.save(buffer)
    out = HttpResponse(buffer.getvalue(), content_type=CONTENT_TYPE)
    out["Content-Disposition"] = f'attachment; filename="{filename}"'
    return out


def _fmt(cell: Any, value: Any, kind: str) -> None:
    if kind == "money" and value is not None:
        cell.number_format = POUNDS
    elif kind == "percent" and value is not None:
        cell.number_format = PERCENT
    elif kind == "hours" and value is not None:
        cell.number_format = HOURS


def sheet(
    book: Workbook,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    kinds: Sequence[str] = (),
    first: bool = False,
) -> Worksheet:
    """A sheet with a bold header row kept in view; `kinds` formats columns (money, percent,
    hours)."""
    ws = book.active if first else book.create_sheet()
    assert ws is not None
    ws.title = title
    cells.append(ws, headers)
    for cell in ws[1]:
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        cells.append(ws, [float(v) if isinstance(v, Decimal) else v for v in row])
        for cell, kind in zip(ws[ws.max_row], kinds, strict=False):
            _fmt(cell, cell.value, kind)
    ws.freeze_panes = "A2"
    for i, header in enumerate(headers, start=1):
        longest = max(
            [len(str(header))] + [len(str(c.value or "")) for c in ws[get_column_letter(i)]]
        )
        ws.column_dimensions[get_column_letter(i)].width = min(max(longest + 2, 10), 60)
    return ws


def _figure_row(f: Figures) -> list[Any]:
    fidelity = f.fidelity
    return [
        f.provisions,
        f.pupils_cell,
        f.delivered,
        f.planned,
        fidelity,
        f.hours_shown,
        f.cost_shown,
    ]


FIGURE_KINDS = ["", "", "", "", "percent", "hours", "money"]


def provision_map_workbook(school: School, report: ProvisionMap) -> Workbook:
    """The whole-school map: a summary, a sheet per grouping, the provisions and (for staff who
    see named pupils) the pupils."""
    book = Workbook()
    f = report.filters
    summary: list[list[Any]] = [
        ["School", school.name],
        ["Period", report.period.label],
        ["From", report.period.start],
        ["To", report.period.end],
        ["Wave", dict(Wave.choices).get(f.wave, "All")],
        ["Broad area of need", AREA_LABELS.get(f.area, "All")],
        ["Year group", census.NC_YEAR_LABELS.get(f.nc_year, "All")],
        ["Provisions", report.total.provisions],
        ["Pupils", report.total.pupils_cell],
        ["Hours delivered", float(report.total.hours_shown)],
        ["Cost (£)", float(report.total.cost_shown)],
    ]
    _money_labels(sheet(book, "Summary", ["Provision map", ""], summary, first=True))
    for title, rows in [
        ("By wave", report.by_wave),
        ("By area of need", report.by_area),
        ("By year group", report.by_year_group),
        ("By term", report.by_term),
    ]:
        sheet(
            book,
            title,
            [title.removeprefix("By ").capitalize(), *FIGURE_HEADERS],
            [[r.label, *_figure_row(r)] for r in rows],
            kinds=["", *FIGURE_KINDS],
        )
    sheet(
        book,
        "Provisions",
        [
            "Provision",
            "Intervention",
            "Wave",
            "Broad area",
            "Staff role",
            "How often",
            "Start",
            "End",
        ]
        + FIGURE_HEADERS[1:],
        [
            [
                line.name,
                line.provision.intervention.name,
                line.provision.get_wave_display(),
                line.provision.intervention.get_area_display(),
                line.provision.staff_role.name,
                line.how_often,
                line.provision.start_date,
                line.provision.end_date,
                *_figure_row(line.figures)[1:],
            ]
            for line in report.provisions
        ],
        kinds=["", "", "", "", "", "", "", "", *FIGURE_KINDS[1:]],
    )
    if report.pupils is not None:
        sheet(
            book,
            "Pupils",
            ["UPN", "Surname", "Forename", "Year", "Provisions", "Hours attended", "Cost (£)"],
            [
                [
                    p.pupil.upn,
                    p.pupil.surname,
                    p.pupil.forename,
                    p.pupil.nc_year_label,
                    p.provisions,
                    p.hours_attended.quantize(Decimal("0.1")),
                    p.cost_shown,
                ]
                for p in report.pupils
            ],
            kinds=["", "", "", "", "", "hours", "money"],
        )
    return book


COSTED_HEADERS = [
    "Intervention",
    "Provision",
    "Wave",
    "Broad area of need",
    "How often",
    "Who delivers it",
    "Group size",
    "Joined",
    "Left",
    "Sessions planned",
    "Sessions delivered",
    "Sessions attended",
    "Hours attended",
    "Planned cost (£)",
    "Cost so far (£)",
]


def costed_map_workbook(report: CostedMap) -> Workbook:
    """A pupil's individual costed provision map, with the totals and any top-up funding."""
    book = Workbook()
    pupil = report.pupil
    rows = [
        [
            line.provision.intervention.name,
            line.provision.name,
            line.provision.get_wave_display(),
            line.provision.intervention.get_area_display(),
            line.how_often,
            line.who,
            line.group_size,
            line.joined,
            line.left,
            line.planned,
            line.delivered,
            line.attended,
            line.hours_attended.quantize(Decimal("0.1")),
            line.planned_share_shown,
            line.share_shown,
        ]
        for line in report.lines
    ]
    rows.append(
        [
            "Total",
            *[""] * 11,
            report.hours_attended.quantize(Decimal("0.1")),
            report.planned_share,
            report.share,
        ]
    )
    ws = sheet(
        book,
        "Costed provision map",
        COSTED_HEADERS,
        rows,
        kinds=[""] * 12 + ["hours", "money", "money"],
        first=True,
    )
    for cell in ws[ws.max_row]:
        cell.font = BOLD
    top_up = report.top_up
    about = sheet(
        book,
        "Pupil",
        ["Costed provision map", ""],
        [
            ["Pupil", pupil.full_name],
            ["UPN", pupil.upn],
            ["Year group", pupil.nc_year_label],
            ["School", pupil.school.name],
            ["Period", report.period.label],
            ["From", report.period.start],
            ["To", report.period.end],
            ["Planned cost of provision (£)", float(report.planned_share)],
            ["Cost so far (£)", float(report.share)],
            [
                "EHC top-up funding for the year (£)",
                float(top_up.amount) if top_up else "None recorded",
            ],
            ["Top-up note", top_up.note if top_up else ""],
        ],
    )
    _money_labels(about)
    return book


def _money_labels(ws: Worksheet) -> None:
    """In a two-column label/value sheet, format the values of the rows labelled in pounds."""
    for label, value in ws.iter_rows(min_row=2, max_col=2):
        if "(£)" in str(label.value) and isinstance(value.value, (int, float)):
            value.number_format = POUNDS


def _list_sheet(book: Workbook, title: str, names: list[str]) -> str:
    ws = book.create_sheet(title)
    cells.append(ws, [title])
    ws["A1"].font = BOLD
    for name in names:
        cells.append(ws, [name])
    ws.column_dimensions["A"].width = max([len(n) for n in names] + [20]) + 2
    return f"'{title}'!$A$2:$A${max(len(names) + 1, 2)}"


def import_template(
    school: School, interventions: Iterable[Intervention], roles: Iterable[StaffRole]
) -> Workbook:
    """The provision import template: a header row to fill in, an instructions sheet, and the
    school's interventions and staff roles to choose from (drop-down lists in the cells)."""
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = importing.SHEET
    cells.append(ws, [c.header for c in importing.COLUMNS])
    for i, column in enumerate(importing.COLUMNS, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = BOLD
        ws.column_dimensions[get_column_letter(i)].width = (
            max(len(column.header), len(column.example)) + 4
        )
    ws.freeze_panes = "A2"
    _instructions(book, school)
    last = importing.MAX_ROWS + 1
    keys = [c.key for c in importing.COLUMNS]
    lists = {
        "intervention": _list_sheet(book, "Interventions", sorted(i.name for i in interventions)),
        "staff_role": _list_sheet(book, "Staff roles", sorted(r.name for r in roles)),
    }
    for key, source in lists.items():
        letter = get_column_letter(keys.index(key) + 1)
        # A warning, not a stop: a school may type a name the list does not have yet.
        check = DataValidation(type="list", formula1=source, allow_blank=True, errorStyle="warning")
        check.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(check)
    wave = get_column_letter(keys.index("wave") + 1)
    waves = DataValidation(type="list", formula1='"1,2,3"', allow_blank=True)
    waves.add(f"{wave}2:{wave}{last}")
    ws.add_data_validation(waves)
    return book


def _instructions(book: Workbook, school: School) -> None:
    ws = book.create_sheet("Instructions")
    lines: list[list[Any]] = [
        [f"Importing provision into sendpath for {school.name}"],
        [],
        [
            "Fill in one row per provision on the ‘Provisions’ sheet, below the header row. Do not "
            "rename the columns."
        ],
        [f"Up to {importing.MAX_ROWS:,} rows and {importing.MAX_BYTES // (1024 * 1024)} MB."],
        [
            "Every row is checked before anything is saved. If any row has a problem, nothing is "
            "imported and you see a list of the problems by row and column: correct them and upload "
            "the file again."
        ],
        [
            "Each provision is set up as if you had added it on the provision pages, and each pupil "
            "joins it on its start date."
        ],
        [],
        ["Column", "Required", "What to put in it", "Example"],
    ]
    lines += [
        [c.header, "Yes" if c.required else "No", c.help, c.example] for c in importing.COLUMNS
    ]
    for line in lines:
        cells.append(ws, line)
    ws["A1"].font = Font(bold=True, size=14)
    for cell in ws[8]:
        cell.font = BOLD
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 10
    ws.column_dimensions["C"].width = 90
    ws.column_dimensions["D"].width = 30
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
