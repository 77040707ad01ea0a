"""The long tables of the provision reports, written in Python: the map's provisions, the rows of
its figure tables and the impact page's lines. A large school runs a hundred provisions or more, and the template engine
spent ~9 ms drawing the map's rows and more the impact page's (a variable lookup, a filter and an
escape per cell). Every value is escaped with html.escape, which is what Django's escape() does,
without its lazy-string checks per call; money is written as floatformat:"2g" writes it. The
markup is the templates' it replaced (the reports' tests read it)."""

from collections.abc import Iterable
from decimal import Decimal
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from provision import costing
from provision.reports import Figures, ImpactLine, ProvisionLine

register = template.Library()


@register.simple_tag
def provision_rows(lines: Iterable[ProvisionLine], named: bool, chosen: int | None) -> SafeString:
    """The rows of the map's provisions table (ProvisionLine.shown): the name links to the
    provision for staff who see named records, and "Show only this" filters the map to it."""
    out = []
    for line in lines:
        row = {k: escape(str(v)) for k, v in line.shown.items()}
        name = (
            f'<a class="govuk-link" href="{row["detail"]}">{row["name"]}</a>'
            if named
            else row["name"]
        )
        only = (
            ""
            if chosen == line.provision.pk
            else f'<br><a class="govuk-link govuk-body-s" href="{row["href"]}">Show only this'
            f'<span class="govuk-visually-hidden"> provision: {row["name"]}</span></a>'
        )
        out.append(
            '<tr class="govuk-table__row">'
            f'<td class="govuk-table__cell">{name}<br><span class="govuk-body-s">'
            f"{row['intervention']} · {row['staff_role']}</span>{only}</td>"
            f'<td class="govuk-table__cell">{row["wave"]}<br>'
            f'<span class="govuk-body-s">{row["area"]}</span></td>'
            f'<td class="govuk-table__cell">{row["how_often"]}<br>'
            f'<span class="govuk-body-s sp-nowrap">{row["runs"]}</span></td>'
            f'<td class="govuk-table__cell govuk-table__cell--numeric">{row["pupils"]}</td>'
            f'<td class="govuk-table__cell govuk-table__cell--numeric">{row["fidelity"]}</td>'
            f'<td class="govuk-table__cell govuk-table__cell--numeric">{row["hours"]}</td>'
            '<td class="govuk-table__cell govuk-table__cell--numeric sp-nowrap">'
            f"£{row['cost']}</td></tr>\n"
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


@register.simple_tag
def figures_rows(rows: Iterable[Figures]) -> SafeString:
    """The rows of a figure table (provision/reports/_figures_table.html): the label links to
    the row's drill-down when the view gave it one (Figures.href)."""
    out = []
    for row in rows:
        cells = {k: escape(v) for k, v in row.shown.items()}
        label = escape(row.label)
        if row.href:
            label = f'<a class="govuk-link" href="{escape(row.href)}">{label}</a>'
        fidelity = (
            f'{cells["fidelity"]}<br><span class="govuk-body-s">{cells["delivered"]} of '
            f"{cells['planned']}</span>"
            if cells["fidelity"]
            else "–"
        )
        out.append(
            '<tr class="govuk-table__row">'
            f'<th scope="row" class="govuk-table__header">{label}</th>'
            f'<td class="govuk-table__cell govuk-table__cell--numeric">{cells["provisions"]}</td>'
            f'<td class="govuk-table__cell govuk-table__cell--numeric">{cells["pupils"]}</td>'
            f'<td class="govuk-table__cell govuk-table__cell--numeric">{fidelity}</td>'
            f'<td class="govuk-table__cell govuk-table__cell--numeric">{cells["hours"]}</td>'
            '<td class="govuk-table__cell govuk-table__cell--numeric sp-nowrap">'
            f"£{cells['cost']}</td></tr>\n"
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


def money(value: Decimal) -> str:
    """floatformat:"2g" without localisation: rounded half up to pence, thousands grouped."""
    return f"{costing.money(value):,.2f}"


def _percent(value: int | None) -> str:
    return "–" if value is None else f"{value}%"


def _pounds(value: Decimal | None) -> str:
    return "–" if value is None else f"£{money(value)}"


@register.simple_tag
def impact_rows(lines: Iterable[ImpactLine]) -> SafeString:
    """The rows of an impact-for-cost table (provision/reports/_impact_table.html)."""
    out = []
    for line in lines:
        i = line.impact
        small = (
            '<br><strong class="govuk-tag govuk-tag--yellow sp-tag">Small sample</strong>'
            if i.small_sample
            else ""
        )
        cells = [
            (str(i.pupils), ""),
            (str(i.with_data), ""),
            (_percent(line.fidelity_percent), ""),
            (line.average_gain_shown, " sp-nowrap"),
            (line.against_expected_shown, " sp-nowrap"),
            (_percent(line.met_targets_percent), ""),
            (_pounds(i.cost_per_pupil), " sp-nowrap"),
            (_pounds(i.cost_per_unit_gain), " sp-nowrap"),
        ]
        out.append(
            '<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">'
            f'{escape(line.name)}<br><span class="govuk-body-s">{escape(line.measure_label)}'
            f"</span>{small}</th>"
            + "".join(
                f'<td class="govuk-table__cell govuk-table__cell--numeric{extra}">'
                f"{escape(text)}</td>"
                for text, extra in cells
            )
            + "</tr>\n"
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
