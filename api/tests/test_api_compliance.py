"""GET /api/v1/schools/{id}/compliance: the engine's findings as the issue's JSON contract."""

from datetime import date

import pytest

from api.tests.test_api import API, Caller
from pupils.models import RegisterEntry

pytestmark = pytest.mark.django_db


def test_the_findings_on_a_date_in_the_contract_shape(world) -> None:
    # Amy has been on SEN support since 15 Sep with no record of telling her parents.
    entry = RegisterEntry.objects.get(pupil=world.amy)
    entry.start_date = date(2025, 9, 15)
    entry.save()
    url = f"{API}/schools/{world.oak.pk}/compliance"
    body = Caller(world.users["senco"]).client.get(url, {"on": "2025-09-29"}).json()
    assert body["school"] == "100001" and body["on"] == "2025-09-29"
    [told] = [f for f in body["findings"] if f["code"] == "PARENTS_NOT_NOTIFIED"]
    assert told == {
        "code": "PARENTS_NOT_NOTIFIED",
        "upn": world.amy.upn,
        "due": "2025-09-29",
        "severity": "due_soon",
        "reason": "placed on the register (K) on 15 Sep 2025; no record of telling the parents "
        "(due by 29 Sep 2025, 14 days after)",
        "rule": "SEND Code of Practice 6.46",
        "exception": None,
    }
    later = Caller(world.users["senco"]).client.get(url, {"on": "2025-09-30"}).json()
    codes = {f["code"]: f["severity"] for f in later["findings"]}
    assert codes["PARENTS_NOT_NOTIFIED"] == "breach"
    entry.parents_informed_on, entry.parents_informed_how = date(2025, 9, 16), "letter"
    entry.save()
    fixed = Caller(world.users["senco"]).client.get(url, {"on": "2025-09-30"}).json()
    assert "PARENTS_NOT_NOTIFIED" not in {f["code"] for f in fixed["findings"]}


def test_a_bad_date_is_a_422_and_another_school_a_404(world) -> None:
    senco = Caller(world.users["senco"]).client
    bad = senco.get(f"{API}/schools/{world.oak.pk}/compliance", {"on": "2025-02-30"})
    assert bad.status_code == 422 and "detail" in bad.json()
    assert senco.get(f"{API}/schools/{world.elm.pk}/compliance").status_code == 404
