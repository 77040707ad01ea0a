"""{% crispy_blank form %}: {% crispy form %} for an empty (unbound) form whose markup is the
same every time it is drawn, drawn once per process and kept.

crispy-forms-gds draws each field through several templates: the two empty forms at the foot of a
cycle page (add a target, add a note) cost it ~6 ms a request. An unbound form's markup depends
only on its class and its initial values, unless the form fills its choices or labels from the
database or the user. So only a form class that says so (`blank_markup_is_constant = True`) is
kept, keyed by its class, prefix and initial values, and it is drawn without the request's
context (so no CSRF token or other request data is kept: such a form's helper should say
disable_csrf, and the page write {% csrf_token %} in its <form>); any other form, and any bound
form (with the user's input and errors), is drawn as {% crispy %} draws it."""

from crispy_forms.utils import render_crispy_form
from django import forms, template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_KEPT: dict[tuple[object, ...], str] = {}
_MOST = 256  # distinct (class, initial values) kept; a date in the initial values changes daily


def _key(form: forms.BaseForm) -> tuple[object, ...]:
    initial = tuple(sorted((name, repr(value)) for name, value in form.initial.items()))
    return (type(form), form.prefix, form.auto_id, form.label_suffix, initial)


@register.simple_tag(takes_context=True)
def crispy_blank(context: template.Context, form: forms.BaseForm) -> SafeString:
    if form.is_bound or not getattr(form, "blank_markup_is_constant", False):
        return mark_safe(render_crispy_form(form, context=context.flatten()))  # noqa: S308
    key = _key(form)
    html = _KEPT.get(key)
    if html is None:
        if len(_KEPT) >= _MOST:
            _KEPT.clear()
        # Drawn without the page's context: nothing of the request (above all its CSRF token,
        # which crispy writes into a POST form unless the helper says disable_csrf) can be kept
        # and shown to someone else. The page puts its own {% csrf_token %} in the <form>.
        html = _KEPT[key] = render_crispy_form(form)
    return mark_safe(html)  # noqa: S308 - crispy's own escaped markup


def forget_kept_forms() -> None:
    """Empty the store (tests that change a form class's markup)."""
    _KEPT.clear()


__all__ = ["crispy_blank", "forget_kept_forms", "register"]
