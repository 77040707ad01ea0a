"""Templates are parsed once per process: the pages draw their rows, filter fields and selects in
templates, so the cached loader must be on in production (Django turns it on whenever the
settings name no loaders, DEBUG or not; with DEBUG it reloads a changed file)."""

from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader


def test_the_page_templates_and_the_form_widgets_come_from_the_cached_loader():
    engine = engines["django"].engine  # type: ignore[attr-defined]
    assert [type(loader) for loader in engine.template_loaders] == [CachedLoader]
    first = engine.get_template("includes/filter_fields.html")
    assert engine.get_template("includes/filter_fields.html") is first
