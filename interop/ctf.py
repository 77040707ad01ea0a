"""Reading a Common Transfer File (CTF 17 to 25): streamed, namespace-agnostic, plain dataclasses.

No Django import: the element tree of ../shared/reference/standards.md §1.2 read into dataclasses,
with every problem of a pupil (a UPN's check letter, a date, a census code) named by the pupil's
UPN, its position in the file and the element. The import service (interop/services.py) decides
what to write.

Streaming: lxml's `iterparse` hands over one `Header` and then one `Pupil` at a time; each is read
into a dataclass and its elements are freed, so memory does not grow with the file. Elements are
matched by local name (`{*}Pupil`), so a file with the old CBDS namespace and one without (as DfE's
own code writes them) read the same; lxml reads a UTF-8 BOM and CRLF line ends itself. Entities
and DTDs are never resolved (no XXE, no network).
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from lxml import etree

from pupils import census
from pupils.upn import InvalidUPN, parse_upn

VERSIONS = range(17, 26)
ROOTS = frozenset({"CTfile"})
# Enrolment status (CBDS): current single, main dual, subsidiary dual, guest, FE, other.
ENROL_STATUSES = frozenset({"C", "M", "S", "G", "F", "O"})
ENGLISH = frozenset({"ENG", "ENB"})  # English; believed to be English
TRUE = frozenset({"true", "1", "yes", "y"})
FALSE = frozenset({"false", "0", "no", "n"})
NC_YEARS = frozenset(census.NC_YEAR_LABELS)
SEXES = frozenset(code for code, _ in census.SEX_CODES)


@dataclass(frozen=True)
class Problem:
    """Something wrong with the file (position 0) or with one pupil in it."""

    message: str
    element: str = ""
    upn: str = ""
    position: int = 0  # the pupil's place in the file, from 1; 0 for the file itself

    def __str__(self) -> str:
        where = []
        if self.position:
            where.append(f"Pupil {self.position}" + (f" (UPN {self.upn})" if self.upn else ""))
        if self.element:
            where.append(self.element)
        return f"{', '.join(where)}: {self.message}" if where else self.message


class CTFError(ValueError):
    """The file cannot be read as a CTF at all: not XML, not a CTF, an unsupported version."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass(frozen=True)
class SchoolRef:
    lea: str = ""
    estab: str = ""
    urn: str = ""
    name: str = ""


@dataclass(frozen=True)
class Header:
    version: str
    date_time: str  # as written, yyyy-MM-ddTHH:mm:ss
    file_date: date
    source: SchoolRef
    dest: SchoolRef
    document_qualifier: str = "full"
    supplier_id: str = ""
    academic_year: str = ""

    @property
    def version_number(self) -> int:
        return int(self.version.split(".")[0])


@dataclass(frozen=True)
class Contact:
    forename: str
    surname: str
    relationship: str = ""
    responsibility: bool = False
    order: int = 1
    title: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class SENPeriod:
    start_date: date | None
    provision: str


@dataclass(frozen=True)
class SENNeed:
    rank: int
    need_type: str
    start_date: date | None = None


@dataclass(frozen=True)
class FSMPeriod:
    start_date: date
    end_date: date | None = None
    country: str = "ENG"


@dataclass(frozen=True)
class YearAttendance:
    year: int  # the start of the school year, 2024 for 2024/25
    sessions_possible: int
    sessions_authorised: int
    sessions_unauthorised: int
    lea: str = ""
    estab: str = ""
    school_name: str = ""


@dataclass(frozen=True)
class StageResult:
    stage: str
    subject: str
    result: str
    locale: str = ""
    year: str = ""
    method: str = ""
    component: str = ""
    result_status: str = ""
    result_qualifier: str = ""


@dataclass
class Pupil:
    upn: str
    surname: str
    forename: str
    date_of_birth: date | None
    sex: str
    nc_year: str
    position: int = field(default=0, compare=False)
    former_upn: str = ""
    preferred_surname: str = ""
    preferred_forename: str = ""
    middle_names: str = ""
    entry_date: date | None = None
    enrol_status: str = ""
    first_language: str = ""
    fsm: list[FSMPeriod] = field(default_factory=list)
    in_care: bool = False
    care_authority: str = ""
    sen_history: list[SENPeriod] = field(default_factory=list)
    sen_needs: list[SENNeed] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    attendance: list[YearAttendance] = field(default_factory=list)
    results: list[StageResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list, compare=False)
    warnings: list[Problem] = field(default_factory=list, compare=False)

    @property
    def eal(self) -> bool:
        return bool(self.first_language) and self.first_language not in ENGLISH

    @property
    def provision(self) -> str:
        """The pupil's SEN provision now: the latest `SENhistory/SEN`, or N without one."""
        if not self.sen_history:
            return census.SENProvision.NO_SEN.value
        return max(self.sen_history, key=lambda p: p.start_date or date.min).provision

    def needs_by_rank(self) -> dict[int, str]:
        """The primary (1) and secondary (2) needs, from the two best-ranked `SENneed`s."""
        ranked = sorted(self.sen_needs, key=lambda n: n.rank)[:2]
        return {i: n.need_type for i, n in enumerate(ranked, start=1)}


# --- reading ---------------------------------------------------------------------------------


def _local(tag: Any) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _children(el: Any) -> dict[str, Any]:
    """The first child of each local name (CTF elements do not repeat where one is read).
    The hot loop of the import: a tag without a namespace is used as it is."""
    out: dict[str, Any] = {}
    for child in el:
        tag = child.tag
        if type(tag) is not str:  # a comment or a processing instruction
            continue
        if tag[0] == "{":
            tag = tag[tag.index("}") + 1 :]
        if tag not in out:
            out[tag] = child
    return out


def _all(el: Any, name: str) -> list[Any]:
    return [] if el is None else [c for c in el if _local(c.tag) == name]


def _text(el: Any) -> str:
    return "" if el is None or el.text is None else el.text.strip()


class _Reader:
    """Reads one pupil's elements, noting each problem against the element's path."""

    def __init__(self, position: int) -> None:
        self.position = position
        self.upn = ""
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def problem(self, element: str, message: str) -> None:
        self.problems.append(Problem(message, element, self.upn, self.position))

    def warn(self, element: str, message: str) -> None:
        self.warnings.append(Problem(message, element, self.upn, self.position))

    def date(self, el: Any, path: str, *, required: bool = False) -> date | None:
        raw = _text(el)
        if not raw:
            if required:
                self.problem(path, "missing; a date of the form yyyy-mm-dd is required.")
            return None
        try:
            return date.fromisoformat(raw[:10] if "T" in raw else raw)
        except ValueError:
            self.problem(path, f"“{raw}” is not a date of the form yyyy-mm-dd.")
            return None

    def integer(self, el: Any, path: str, default: int = 0) -> int:
        raw = _text(el)
        if not raw:
            return default
        if not raw.isdigit():
            self.problem(path, f"“{raw}” is not a whole number.")
            return default
        return int(raw)

    def boolean(self, el: Any, path: str) -> bool:
        raw = _text(el).lower()
        if raw and raw not in TRUE | FALSE:
            self.problem(path, f"“{_text(el)}” is not true or false.")
        return raw in TRUE

    def code(self, el: Any, path: str, allowed: frozenset[str], *, required: bool = True) -> str:
        raw = _text(el).upper()
        if not raw:
            if required:
                self.problem(path, "missing.")
            return ""
        if raw not in allowed:
            choices = ", ".join(sorted(allowed))
            self.problem(path, f"“{_text(el)}” is not a census code (one of {choices}).")
        return raw


def _school_ref(el: Any) -> SchoolRef:
    k = _children(el) if el is not None else {}
    return SchoolRef(
        lea=_text(k.get("LEA")),
        estab=_text(k.get("Estab")),
        urn=_text(k.get("URN")),
        name=_text(k.get("SchoolName")),
    )


def read_header(el: Any) -> Header:
    """The `Header`: refuses a version outside 17..25 or a missing date, as CTFError."""
    k = _children(el)
    version = _text(k.get("CTFversion"))
    major = version.split(".")[0]
    if not major.isdigit() or int(major) not in VERSIONS:
        raise CTFError(
            Problem(
                f"CTF version “{version}” is not one sendpath reads (17 to 25).",
                "Header/CTFversion",
            )
        )
    date_time = _text(k.get("DateTime"))
    try:
        file_date = date.fromisoformat(date_time[:10])
    except ValueError:
        raise CTFError(
            Problem(
                f"“{date_time}” is not a date and time (yyyy-MM-ddTHH:mm:ss).", "Header/DateTime"
            )
        ) from None
    return Header(
        version=version,
        date_time=date_time,
        file_date=file_date,
        source=_school_ref(k.get("SourceSchool")),
        dest=_school_ref(k.get("DestSchool")),
        document_qualifier=_text(k.get("DocumentQualifier")) or "full",
        supplier_id=_text(k.get("SupplierID")),
        academic_year=_text(_children(k["SourceSchool"]).get("AcademicYear"))
        if "SourceSchool" in k
        else "",
    )


def read_pupil(el: Any, position: int) -> Pupil:
    """One `Pupil` element as a Pupil, its problems and warnings listed on it."""
    r = _Reader(position)
    k = _children(el)
    basic = _children(k["BasicDetails"]) if "BasicDetails" in k else {}
    raw_upn = _text(k.get("UPN"))
    r.upn = raw_upn.upper().replace(" ", "")
    if not raw_upn:
        r.problem("UPN", "missing.")
    else:
        try:
            parse_upn(raw_upn)
        except InvalidUPN as exc:
            r.problem("UPN", str(exc))
    former = _text(basic.get("FormerUPN")).upper()
    if former and not _valid_upn(former):
        r.warn("BasicDetails/FormerUPN", f"“{former}” is not a valid UPN; it is not kept.")
        former = ""
    for name in ("Surname", "Forename"):
        if not _text(k.get(name)):
            r.problem(name, "missing.")
    sex_el = k.get("Sex") if "Sex" in k else k.get("Gender")
    pupil = Pupil(
        upn=r.upn,
        surname=_text(k.get("Surname")),
        forename=_text(k.get("Forename")),
        date_of_birth=r.date(k.get("DOB"), "DOB", required=True),
        sex=r.code(sex_el, "Sex" if "Sex" in k else "Gender", SEXES),
        nc_year=r.code(basic.get("NCyearActual"), "BasicDetails/NCyearActual", NC_YEARS),
        position=position,
        former_upn=former,
        preferred_surname=_text(basic.get("PreferredSurname")),
        preferred_forename=_text(basic.get("PreferredForename")),
        middle_names=_text(basic.get("MiddleNames")),
        entry_date=r.date(basic.get("EntryDate"), "BasicDetails/EntryDate"),
        enrol_status=_text(basic.get("EnrolStatus")).upper(),
        first_language=_first_language(basic.get("Languages")),
    )
    if pupil.enrol_status and pupil.enrol_status not in ENROL_STATUSES:
        r.warn("BasicDetails/EnrolStatus", f"“{pupil.enrol_status}” is not an enrolment status.")
    _read_fsm(r, pupil, k.get("FSMhistory"))
    _read_looked_after(r, pupil, k.get("LookedAfter"))
    _read_sen(r, pupil, k.get("SENhistory"))
    pupil.contacts = [
        _read_contact(r, c, i) for i, c in enumerate(_all(k.get("Contacts"), "Contact"))
    ]
    pupil.attendance = [_read_year(r, y) for y in _all(k.get("Attendance"), "YearData")]
    pupil.results = _read_results(k.get("StageAssessments"))
    pupil.problems, pupil.warnings = r.problems, r.warnings
    return pupil


def _valid_upn(value: str) -> bool:
    try:
        parse_upn(value)
    except InvalidUPN:
        return False
    return True


def _first_language(el: Any) -> str:
    """The language whose `TypeID` is F (first language), else the first one given."""
    types = _all(el, "Type")
    for t in types:
        k = _children(t)
        if _text(k.get("TypeID")).upper() == "F":
            return _text(k.get("LanguageCode", k.get("Language"))).upper()
    if types:
        k = _children(types[0])
        return _text(k.get("LanguageCode", k.get("Language"))).upper()
    return ""


def _read_fsm(r: _Reader, pupil: Pupil, el: Any) -> None:
    for i, inst in enumerate(_all(el, "FSMinstance"), start=1):
        k = _children(inst)
        path = f"FSMhistory/FSMinstance[{i}]"
        start = r.date(k.get("FSMstartDate"), f"{path}/FSMstartDate", required=True)
        end = r.date(k.get("FSMendDate"), f"{path}/FSMendDate")
        if start and end and end < start:
            r.problem(f"{path}/FSMendDate", "ends before it starts.")
        if start:
            country = _text(k.get("UKcountry")) or "ENG"
            pupil.fsm.append(FSMPeriod(start, end, country))


def _read_looked_after(r: _Reader, pupil: Pupil, el: Any) -> None:
    if el is None:
        return
    k = _children(el)
    pupil.in_care = r.boolean(k.get("InCare"), "LookedAfter/InCare")
    pupil.care_authority = _text(k.get("CareAuthority"))


def _read_sen(r: _Reader, pupil: Pupil, el: Any) -> None:
    if el is None:
        return
    provisions = frozenset(census.SEN_PROVISION_LABELS)
    types = frozenset(census.SEN_TYPE_LABELS)
    for i, sen in enumerate(_all(el, "SEN"), start=1):
        k = _children(sen)
        path = f"SENhistory/SEN[{i}]"
        start = r.date(k.get("StartDate"), f"{path}/StartDate")
        code = r.code(k.get("SENprovision"), f"{path}/SENprovision", provisions)
        pupil.sen_history.append(SENPeriod(start, code))
    needs = _children(el).get("SENneeds")
    for i, need in enumerate(_all(needs, "SENneed"), start=1):
        k = _children(need)
        path = f"SENhistory/SENneeds/SENneed[{i}]"
        rank = r.integer(k.get("SENtypeRank"), f"{path}/SENtypeRank", default=i)
        code = r.code(k.get("SENtype"), f"{path}/SENtype", types)
        start = r.date(k.get("NeedStartDate"), f"{path}/NeedStartDate")
        pupil.sen_needs.append(SENNeed(rank, code, start))
    if len(pupil.sen_needs) > 2:
        r.warn("SENhistory/SENneeds", "more than two needs; the two best-ranked are kept.")
    if len({n.rank for n in pupil.sen_needs}) < len(pupil.sen_needs):
        r.problem("SENhistory/SENneeds", "two needs have the same SENtypeRank.")


def _read_contact(r: _Reader, el: Any, index: int) -> Contact:
    k = _children(el)
    path = f"Contacts/Contact[{index + 1}]"
    phones = _all(k.get("Phones"), "Phone")
    phone = _text(_children(phones[0]).get("PhoneNo")) if phones else ""
    if not _text(k.get("Surname")):
        r.problem(f"{path}/Surname", "missing.")
    return Contact(
        forename=_text(k.get("Forename")),
        surname=_text(k.get("Surname")),
        relationship=_text(k.get("Relationship")).upper(),
        responsibility=r.boolean(k.get("Responsibility"), f"{path}/Responsibility"),
        order=r.integer(k.get("Order"), f"{path}/Order", default=index + 1),
        title=_text(k.get("Title")),
        email=_text(k.get("Email")),
        phone=phone,
    )


def _read_year(r: _Reader, el: Any) -> YearAttendance:
    k = _children(el)
    path = "Attendance/YearData"
    year = r.integer(k.get("Year"), f"{path}/Year")
    possible = r.integer(k.get("SessionsPossible"), f"{path}/SessionsPossible")
    authorised = r.integer(k.get("SessionsAuthorised"), f"{path}/SessionsAuthorised")
    unauthorised = r.integer(k.get("SessionsUnauthorised"), f"{path}/SessionsUnauthorised")
    if authorised + unauthorised > possible:
        r.problem(path, "more sessions missed than were possible.")
    return YearAttendance(
        year=year,
        sessions_possible=possible,
        sessions_authorised=authorised,
        sessions_unauthorised=unauthorised,
        lea=_text(k.get("LEA")),
        estab=_text(k.get("Estab")),
        school_name=_text(k.get("SchoolName")),
    )


def _read_results(el: Any) -> list[StageResult]:
    out = []
    for stage in _all(el, "KeyStage"):
        name = _text(_children(stage).get("Stage"))
        for a in _all(stage, "StageAssessment"):
            k = _children(a)
            out.append(
                StageResult(
                    stage=name,
                    subject=_text(k.get("Subject")),
                    result=_text(k.get("Result")),
                    locale=_text(k.get("Locale")),
                    year=_text(k.get("Year")),
                    method=_text(k.get("Method")),
                    component=_text(k.get("Component")),
                    result_status=_text(k.get("ResultStatus")),
                    result_qualifier=_text(k.get("ResultQualifier")),
                )
            )
    return out


@dataclass
class CTFReader:
    """`header` is read on entering the `with`-less iteration: `for pupil in reader.pupils()`."""

    source: str | IO[bytes]
    header: Header | None = None
    _events: Any = None

    def __post_init__(self) -> None:
        self._events = etree.iterparse(
            self.source,
            events=("end",),
            tag=("{*}Header", "{*}Pupil"),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
        )

    def read_header(self) -> Header:
        """Read up to and including the `Header`; CTFError if there is none or it is wrong."""
        el = self._next()
        if el is None or _local(el.tag) != "Header":
            raise CTFError(Problem("This is not a Common Transfer File: it has no Header first."))
        root = el.getparent()
        if root is None or _local(root.tag) not in ROOTS:
            name = _local(root.tag) if root is not None else _local(el.tag)
            raise CTFError(
                Problem(
                    f"This is not a Common Transfer File: its root element is {name}, not CTfile."
                )
            )
        self.header = read_header(el)
        el.clear()
        return self.header

    def pupils(self) -> Iterator[Pupil]:
        """Each `Pupil` in turn, freed from memory once read."""
        position = 0
        while (el := self._next()) is not None:
            if _local(el.tag) != "Pupil":
                continue
            position += 1
            yield read_pupil(el, position)
            el.clear()
            parent = el.getparent()
            # Drop the pupils already read, so the tree stays one pupil deep.
            while el.getprevious() is not None and parent is not None:
                del parent[0]

    def _next(self) -> Any:
        try:
            _event, el = next(self._events)
        except StopIteration:
            return None
        except etree.XMLSyntaxError as exc:
            raise CTFError(Problem(f"The file is not well-formed XML: {exc}")) from None
        return el


def read_ctf(source: str | IO[bytes]) -> tuple[Header, list[Pupil]]:
    """The whole file in memory (tests and small files): the header and every pupil."""
    reader = CTFReader(source)
    header = reader.read_header()
    return header, list(reader.pupils())
