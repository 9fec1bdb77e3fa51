"""Every transition of the table, walked through both the request page and the API: allowed
moves go through, every other one is refused with the service's message and changes nothing."""

import pytest

from datagaps.models import DataGap

from .helpers import STATUSES, move_fields, request_in
from .test_transitions import DATAGAP_TABLE

pytestmark = pytest.mark.django_db

PAIRS = [(a, b) for a in STATUSES for b in STATUSES]


def _form_data(start: str, to: str, canonical: DataGap) -> dict:
    fields = move_fields(to, canonical=canonical)
    if "duplicate_of" in fields:
        fields["duplicate_of"] = canonical.pk
    return {"to": to, "expected_from": start, **fields}


@pytest.mark.parametrize("via", ["page", "api"])
@pytest.mark.parametrize(("start", "to"), PAIRS)
def test_every_move_through_the_page_and_the_api(client, api_as, dataeng, start, to, via):
    request = request_in(start)
    canonical = request_in("open", title="Canonical")
    data = _form_data(start, to, canonical)
    if via == "page":
        client.force_login(dataeng)
        response = client.post(f"/data-gaps/{request.pk}/transition/", data)
        ok, refused = 302, 400
    else:
        response = api_as(dataeng).post(
            f"/api/v1/data-gaps/{request.pk}/transition/", data, format="json"
        )
        ok, refused = 200, 400
    request.refresh_from_db()
    if to in DATAGAP_TABLE[start]:
        assert response.status_code == ok, response.content[:500]
        assert request.status == to
    else:
        assert response.status_code == refused, response.content[:500]
        assert request.status == start
        assert "cannot move to" in response.content.decode()
