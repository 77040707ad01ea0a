from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from pupils import census

register = template.Library()

_SHORT = {"K": "SEN support", "E": "EHC plan", "N": "No SEN"}
_TAG_COLOURS = {"K": "govuk-tag--blue", "E": "govuk-tag--purple", "N": "govuk-tag--grey"}


@register.filter
def provision_tag(code: str | None) -> SafeString:
    code = code or "N"
    label = census.SEN_PROVISION_LABELS.get(code, code)
    short = _SHORT.get(code, label)
    return format_html(
        '<strong class="govuk-tag sp-tag {}" title="{}">{} ({})</strong>',
        _TAG_COLOURS.get(code, ""),
        label,
        short,
        code,
    )


@register.filter
def need_label(code: str | None) -> str:
    return census.SEN_TYPE_LABELS.get(code or "", "")


@register.filter
def area_label(code: str | None) -> str:
    return census.BROAD_AREA_LABELS[census.broad_area(code)] if code else ""


@register.filter
def provision_label(code: str | None) -> str:
    return census.SEN_PROVISION_LABELS.get(code or "N", "")


@register.filter
def in_sentence(label: str) -> str:
    """A label put mid-sentence: its first letter lowered, acronyms kept ("Request an EHC needs
    assessment" -> "request an EHC needs assessment", where `lower` gave "ehc")."""
    label = str(label)
    first = label.split(" ", 1)[0]
    if not label or (len(first) > 1 and first.isupper()):
        return label
    return label[0].lower() + label[1:]
