"""The CTF reader on files from the writer: every variant and every bad input."""

import io
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interop.ctf import CTFError, Pupil, SchoolRef, read_ctf
from interop.generate import ctf_bytes, make_header, realistic_pupils
from pupils import census
from pupils.upn import make_upn

TODAY = date(2026, 11, 20)
DEST = SchoolRef("820", "4001", "123456", "Oakfield Academy")


def pupils(n: int = 5, seed: int = 1) -> list[Pupil]:
    return list(realistic_pupils(n, seed=seed, today=TODAY))


def read(data: bytes) -> tuple:
    return read_ctf(io.BytesIO(data))


@pytest.mark.parametrize("version", range(17, 26))
@pytest.mark.parametrize(
    "options",
    [
        {},
        {"namespace": True},
        {"bom": True},
        {"crlf": True},
        {"namespace": True, "bom": True, "crlf": True},
    ],
)
def test_round_trip_every_version_and_variant(version: int, options: dict) -> None:
    header = make_header(version=version, dest=DEST, when=TODAY)
    written = pupils(20)
    data = ctf_bytes(header, written, **options)
    assert (b"<Sex>" in data) == (version >= 25) and (b"<Gender>" in data) == (version < 25)
    if options.get("bom"):
        assert data.startswith(b"\xef\xbb\xbf")
    if options.get("crlf"):
        assert b"\r\n" in data
    got_header, got = read(data)
    assert got_header == header
    assert got == written
    assert [p.position for p in got] == list(range(1, 21))
    assert not any(p.problems for p in got)


def test_realistic_content_is_read() -> None:
    _, got = read(ctf_bytes(make_header(dest=DEST, when=TODAY), pupils(300)))
    assert any(p.sen_history and p.sen_needs for p in got)
    assert all(p.contacts for p in got)
    assert all(p.attendance for p in got)
    assert any(p.results for p in got)
    assert any(p.eal for p in got) and any(not p.eal for p in got)
    assert {p.provision for p in got} == {"N", "K", "E"}


def test_not_xml() -> None:
    with pytest.raises(CTFError, match="not well-formed XML"):
        read(b"UPN,Surname\nA123,Smith\n")


def test_truncated_xml() -> None:
    data = ctf_bytes(make_header(dest=DEST, when=TODAY), pupils(3))
    with pytest.raises(CTFError, match="not well-formed XML"):
        header_and_pupils = read(data[: len(data) // 2])
        assert header_and_pupils


def test_not_a_ctf() -> None:
    with pytest.raises(CTFError, match="root element is ATfile"):
        read(b"<ATfile><Header><CTFversion>25.0</CTFversion></Header></ATfile>")
    with pytest.raises(CTFError, match="no Header"):
        read(b"<CTfile><Other/></CTfile>")


@pytest.mark.parametrize("version", ["16.0", "26.0", "", "x"])
def test_unsupported_version(version: str) -> None:
    data = ctf_bytes(make_header(dest=DEST, when=TODAY), pupils(1))
    data = data.replace(
        b"<CTFversion>25.0</CTFversion>", f"<CTFversion>{version}</CTFversion>".encode()
    )
    with pytest.raises(CTFError, match="Header/CTFversion"):
        read(data)


def _one_bad(change: dict) -> Pupil:
    p = replace(pupils(1)[0], **change)
    _, (got,) = read(ctf_bytes(make_header(dest=DEST, when=TODAY), [p]))
    return got


def test_bad_upn_check_letter_names_pupil_and_element() -> None:
    good = make_upn("820", "2001", 19, 5)
    bad = ("A" if good[0] != "A" else "B") + good[1:]
    got = _one_bad({"upn": bad})
    (problem,) = got.problems
    assert problem.element == "UPN" and problem.upn == bad and problem.position == 1
    assert str(problem).startswith(f"Pupil 1 (UPN {bad}), UPN: The check letter does not match")


def test_bad_date() -> None:
    data = ctf_bytes(make_header(dest=DEST, when=TODAY), pupils(2))
    first_dob = data.split(b"<DOB>")[1].split(b"</DOB>")[0]
    data = data.replace(b"<DOB>" + first_dob, b"<DOB>2015-02-30", 1)
    _, got = read(data)
    (problem,) = got[0].problems
    assert problem.element == "DOB" and "2015-02-30" in problem.message
    assert not got[1].problems


@pytest.mark.parametrize(
    ("change", "element"),
    [
        ({"sex": "X"}, "Sex"),
        ({"nc_year": "15"}, "BasicDetails/NCyearActual"),
    ],
)
def test_bad_census_code(change: dict, element: str) -> None:
    (problem,) = _one_bad(change).problems
    assert problem.element == element and "not a census code" in problem.message


def test_bad_sen_codes() -> None:
    from interop.ctf import SENNeed, SENPeriod

    got = _one_bad(
        {"sen_history": [SENPeriod(date(2025, 1, 6), "S")], "sen_needs": [SENNeed(1, "DYS")]}
    )
    assert [p.element for p in got.problems] == [
        "SENhistory/SEN[1]/SENprovision",
        "SENhistory/SENneeds/SENneed[1]/SENtype",
    ]


def test_gender_accepted_in_25_and_sex_in_17() -> None:
    data = ctf_bytes(make_header(version=25, dest=DEST, when=TODAY), pupils(1))
    _, (got,) = read(data.replace(b"<Sex>", b"<Gender>").replace(b"</Sex>", b"</Gender>"))
    assert got.sex in {"M", "F"} and not got.problems


def test_memory_stays_one_pupil_deep() -> None:
    """The reader frees each pupil: the tree it holds never grows past one Pupil element."""
    from interop.ctf import CTFReader

    reader = CTFReader(io.BytesIO(ctf_bytes(make_header(dest=DEST, when=TODAY), pupils(50))))
    reader.read_header()
    for pupil in reader.pupils():
        assert pupil.upn
    root = reader._events.root
    (pupil_data,) = [c for c in root if c.tag == "CTFpupilData"]
    assert len(pupil_data) <= 1


# --- property: parse(write(x)) == x ---------------------------------------------------------

text = (
    st.text(
        alphabet=st.characters(
            codec="utf-8", categories=("L", "N", "Zs", "Pd"), exclude_characters="\x00"
        ),
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(bool)
)
dates = st.dates(min_value=date(2005, 1, 1), max_value=TODAY)


@st.composite
def ctf_pupils(draw: st.DrawFn) -> Pupil:
    from interop.ctf import Contact, FSMPeriod, SENNeed, SENPeriod, StageResult, YearAttendance

    n = draw(st.integers(0, 999))
    needs = draw(st.lists(st.sampled_from(list(census.SEN_TYPE_LABELS)), max_size=2, unique=True))
    absent = draw(st.tuples(st.integers(0, 100), st.integers(0, 100)))
    return Pupil(
        upn=make_upn("820", "2001", draw(st.integers(10, 25)), n),
        surname=draw(text),
        forename=draw(text),
        date_of_birth=draw(dates),
        sex=draw(st.sampled_from(["M", "F"])),
        nc_year=draw(st.sampled_from(list(census.NC_YEAR_LABELS))),
        preferred_forename=draw(st.one_of(st.just(""), text)),
        middle_names=draw(st.one_of(st.just(""), text)),
        entry_date=draw(st.one_of(st.none(), dates)),
        enrol_status=draw(st.sampled_from(["", "C", "M"])),
        first_language=draw(st.sampled_from(["", "ENG", "POL", "URD"])),
        fsm=[FSMPeriod(d) for d in draw(st.lists(dates, max_size=2))],
        in_care=draw(st.booleans()),
        care_authority=draw(st.sampled_from(["", "820"])),
        sen_history=[
            SENPeriod(d, c)
            for d, c in draw(st.lists(st.tuples(dates, st.sampled_from("NKE")), max_size=3))
        ],
        sen_needs=[
            SENNeed(i, t, draw(st.one_of(st.none(), dates))) for i, t in enumerate(needs, 1)
        ],
        contacts=[
            Contact(f, s, "PAM", r, i, email="a@example.com", phone="0123")
            for i, (f, s, r) in enumerate(
                draw(st.lists(st.tuples(text, text, st.booleans()), max_size=2)), 1
            )
        ],
        attendance=[YearAttendance(2025, 300, absent[0], absent[1])],
        results=[StageResult("KS2", "MAT", str(draw(st.integers(0, 120))), method="TT")],
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(ctf_pupils(), max_size=4),
    st.integers(17, 25),
    st.booleans(),
    st.booleans(),
    st.booleans(),
)
def test_parse_of_generate_round_trips(
    written: list[Pupil], version: int, namespace: bool, bom: bool, crlf: bool
) -> None:
    header = make_header(version=version, dest=DEST, when=TODAY)
    got_header, got = read(ctf_bytes(header, written, namespace=namespace, bom=bom, crlf=crlf))
    assert got_header == header
    assert got == written
    assert not [p for p in got if p.problems]
