"""Imports run downwards (docs/architecture.md).

Every module of ours gets a rank from the layers below; every import it makes, at module level or
inside a function, must go to a module of the same rank or a lower one. Tests and migrations are
exempt. A new app must be given its place in DOMAIN_APPS or UPPER before it can be imported.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Pure rules: plain Python, no Django, importing nothing of ours but each other.
PURE = frozenset(
    {
        "accounts.disclosure",
        "accounts.schooldates",
        "pupils.census",
        "pupils.upn",
        "pupils.names",
        "attainment.criteria",
        "interop.ctf",
        "interop.rules",
        "support.rules",
        "support.smart",
        "provision.costing",
        "provision.catalogue",
        "statutory.clocks",
        "statutory.sen2",
        "statutory.figures",
        "statutory.national",
        "statutory.compliance",
        "people.years",
        "people.tables",
        "family.signposts",
        "family.languages",
        "duties.tally",
    }
)
# The domain apps, lowest first. An app may use a lower app's models, selectors and services, never
# a higher one's. audit is lowest: every app's services call audit.log. statutory (EHC plans,
# compliance rules) has no code yet; it goes above provision, whose costed provision it reads.
# interop (CTF in and out, later the SEN2 return) writes through pupils' services and will read
# every record it passes on, so it is the highest domain app.
DOMAIN_APPS = (
    "audit",
    "accounts",
    "pupils",
    "attainment",
    "support",
    "provision",
    "family",
    "statutory",
    "interop",
    "people",
    "duties",
)
# The layers, lowest first. Within "models" and "apps" the rank is also the app's DOMAIN_APPS place.
# bulk (raw multi-row INSERTs) imports only Django, so the seeders and the CTF import share it.
LAYERS = (
    "pure rules",
    "ui",
    "bulk",
    "models",
    "access",
    "apps",
    "records",
    "perf",
    "api",
    "sendpath",
)
# Packages that are one layer each, named after it.
WHOLE = frozenset({"ui", "bulk", "access", "records", "perf", "api", "sendpath"})


def rank(module: str) -> tuple[int, int, str]:
    """(layer, place of the app in DOMAIN_APPS, a name for the message)."""
    top = module.split(".")[0]
    if module in PURE:
        return LAYERS.index("pure rules"), 0, "pure rules"
    if top in WHOLE:
        return LAYERS.index(top), 0, top
    if top in DOMAIN_APPS:
        place = DOMAIN_APPS.index(top)
        if module == f"{top}.models" or module.startswith(f"{top}.models."):
            return LAYERS.index("models"), place, f"{top}.models"
        return LAYERS.index("apps"), place, top
    raise AssertionError(f"{module} has no layer: give {top} a place in tests/test_layers.py")


def _project_modules(root: Path) -> dict[str, Path]:
    modules = {}
    for package in sorted(p.parent for p in root.glob("*/__init__.py")):
        if package.name in {"tests", "vendor", "node_modules"}:
            continue
        for path in package.rglob("*.py"):
            parts = path.relative_to(root).with_suffix("").parts
            if "tests" in parts or "migrations" in parts:
                continue
            name = ".".join(parts).removesuffix(".__init__")
            modules[name] = path
    return modules


def imports_of(module: str, source: str, known: set[str]) -> list[str]:
    """The modules of ours that `source` (the text of `module`) imports, anywhere in it."""
    package = (
        module if module in known and _is_package(module, known) else module.rpartition(".")[0]
    )
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                head = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*head, base] if base else head)
            # `from pupils import selectors` imports the module pupils.selectors.
            found += [
                f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names
            ]
    tops = {k.split(".")[0] for k in known}
    return sorted({name for name in found if name.split(".")[0] in tops | set(DOMAIN_APPS)})


def _is_package(module: str, known: set[str]) -> bool:
    return any(k.startswith(module + ".") for k in known)


def violations(module: str, source: str, known: set[str]) -> list[str]:
    """Each import in `source` that goes up a layer, as a sentence."""
    out = []
    here = rank(module)
    for target in imports_of(module, source, known):
        there = rank(target)
        if there[:2] > here[:2]:
            out.append(f"{module} imports {target}: {here[2]} is below {there[2]}")
    if module in PURE:
        for node in ast.walk(ast.parse(source)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n.split(".")[0] == "django" for n in names):
                out.append(f"{module} imports Django: pure rules take plain values")
    return out


def test_every_import_goes_down() -> None:
    modules = _project_modules(ROOT)
    known = set(modules)
    found = [
        problem
        for name, path in sorted(modules.items())
        for problem in violations(name, path.read_text(encoding="utf-8"), known)
    ]
    assert not found, "Imports that go up a layer (docs/architecture.md):\n" + "\n".join(found)


def test_every_pure_module_exists() -> None:
    known = set(_project_modules(ROOT))
    assert not PURE - known, f"PURE names modules that are not there: {sorted(PURE - known)}"


def test_an_upward_import_is_reported() -> None:
    """The checker itself: the pupil record's old imports from pupils/views.py, and their kind."""
    known = set(_project_modules(ROOT))
    old_pupil_views = (
        "from provision import selectors as provision_selectors\n"
        "from support import selectors as support_selectors\n"
        "import access\n"
        "from pupils.models import Pupil\n"
    )
    assert violations("pupils.views", old_pupil_views, known) == [
        "pupils.views imports provision.selectors: pupils is below provision",
        "pupils.views imports support.selectors: pupils is below support",
    ]
    inside_a_function = "def f():\n    from api.api import api\n"
    assert violations("records.views", inside_a_function, known) == [
        "records.views imports api.api: records is below api"
    ]
    assert violations("support.models", "import access\n", known) == [
        "support.models imports access: support.models is below access"
    ]
    assert violations("support.rules", "from django.db import models\n", known) == [
        "support.rules imports Django: pure rules take plain values"
    ]
    assert violations("ui.forms", "from pupils import census\n", known) == []


def test_the_paths_in_docs_architecture_are_true() -> None:
    """docs/architecture.md says where a new finding, review field and report go: every file or
    folder it names in backticks is there (statutory/ once its app exists: until then the doc says
    where it will go)."""
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = {p for p in re.findall(r"`([a-z_]+/[\w./]*)`", doc) if "." in p or p.endswith("/")}
    missing = sorted(
        p
        for p in named
        if not (ROOT / p).exists()
        and not (p.startswith("statutory/") and not (ROOT / "statutory").exists())
    )
    assert named and not missing, missing
