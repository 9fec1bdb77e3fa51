"""Flag pages: the rows they show, raising and editing with form errors, moving in place,
the project tab, badges on cards and headers, the dashboard and the figures page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from flags import services
from flags.models import Flag
from tests.factories import FlagFactory, IdeaFactory

pytestmark = pytest.mark.django_db


def _page(client, user, url, status=200):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status
    return response.content.decode()


def test_the_list_shows_flags_with_severity_status_and_overdue_in_words(client, viewer, flag):
    FlagFactory(
        project=flag.project,
        title="Stale one",
        severity="critical",
        opened_at=timezone.now() - datetime.timedelta(days=4),
    )
    page = _page(client, viewer, reverse("flags:flag-list"))
    assert "Needs a clickstream feed" in page and "Stale one" in page
    assert "Severity: </span>Critical" in page
    assert "Status: </span>Open" in page
    assert page.count(">Overdue</span>") == 1
    assert page.index("Stale one") < page.index("Needs a clickstream feed")  # worst first


def test_the_list_filters_with_the_shared_filterset(client, viewer, flag):
    FlagFactory(project=flag.project, title="Low thing", severity="low")
    page = _page(client, viewer, reverse("flags:flag-list") + "?severity=low")
    assert "Low thing" in page and "Needs a clickstream feed" not in page
    bad = _page(client, viewer, reverse("flags:flag-list") + "?severity=huge")
    assert "No flags match these filters." in bad


def test_project_tab_lists_its_flags_and_offers_raising(client, scientist, viewer, flag):
    other = FlagFactory(title="On another project")
    url = reverse("flags:project-flags", args=[flag.project.slug])
    page = _page(client, scientist, url)
    assert "Needs a clickstream feed" in page and other.title not in page
    assert "Raise a flag" in page
    assert 'aria-current="page"' in page or "Flags" in page
    assert "Raise a flag" not in _page(client, viewer, url)


def test_raising_from_the_project_page(client, scientist, project, idea):
    client.force_login(scientist)
    url = reverse("flags:flag-create", args=[project.slug])
    assert f'<option value="{idea.pk}"' in client.get(url).content.decode()
    response = client.post(
        url, {"title": "Needs GPU", "kind": "infrastructure", "severity": "high", "idea": idea.pk}
    )
    flag = Flag.objects.get(title="Needs GPU")
    assert response.status_code == 302 and response.url == flag.get_absolute_url()
    assert (flag.idea, flag.raised_in_phase) == (idea, "prototype")


def test_raising_from_an_idea_page_prefills_the_idea(client, scientist, idea):
    page = _page(client, scientist, idea.get_absolute_url())
    link = reverse("flags:flag-create", args=[idea.board.project.slug]) + f"?idea={idea.pk}"
    assert link in page
    form = _page(client, scientist, link)
    assert f'<option value="{idea.pk}" selected>' in form


def test_bad_input_on_the_form_shows_messages_and_saves_nothing(client, scientist, project):
    client.force_login(scientist)
    url = reverse("flags:flag-create", args=[project.slug])
    response = client.post(
        url,
        {"title": "", "kind": "plumbing", "severity": "high", "external_blocker": "javascript:x"},
    )
    assert response.status_code == 400
    assert not Flag.objects.exists()
    response = client.post(
        url, {"title": "T", "kind": "other", "severity": "high", "external_blocker": "javascript:x"}
    )
    assert response.status_code == 400
    assert "Enter a full http(s) URL, or a team&#x27;s name." in response.content.decode()


def test_a_viewer_cannot_open_the_raise_form(client, viewer, project):
    client.force_login(viewer)
    assert client.get(reverse("flags:flag-create", args=[project.slug])).status_code == 403


def test_flag_page_offers_only_the_allowed_moves_of_this_person(client, engineer, scientist, flag):
    url = flag.get_absolute_url()
    page = _page(client, engineer, url)
    assert ">Acknowledge</button>" in page and ">Resolve</button>" not in page
    assert ">Acknowledge</button>" not in _page(client, scientist, url)  # raiser, not owner


def test_moving_in_place_and_the_note_error(client, engineer, flag):
    client.force_login(engineer)
    move = reverse("flags:flag-transition", args=[flag.pk])
    assert client.post(move, {"to": "acknowledged", "expected_from": "open"}).status_code == 302
    response = client.post(move, {"to": "resolved", "expected_from": "acknowledged", "note": ""})
    assert response.status_code == 400
    assert "Say how the dependency was resolved." in response.content.decode()
    stale = client.post(move, {"to": "resolved", "expected_from": "open", "note": "x"}, follow=True)
    assert "someone moved it meanwhile" in stale.content.decode()
    assert Flag.objects.get(pk=flag.pk).status == "acknowledged"


def test_flag_page_shows_its_history(client, engineer, flag):
    services.flag_transition(flag=flag, to="acknowledged", actor=engineer)
    page = _page(client, engineer, flag.get_absolute_url())
    assert "raised by" in page and "Open → Acknowledged" in page
    assert "while the project was in <strong>prototype</strong>" in page


def test_editing_refuses_someone_else(client, bystander, scientist, flag):
    client.force_login(bystander)
    assert client.get(reverse("flags:flag-edit", args=[flag.pk])).status_code == 403
    client.force_login(scientist)
    response = client.post(
        reverse("flags:flag-edit", args=[flag.pk]),
        {"title": "Renamed", "kind": "other", "severity": "low"},
    )
    assert response.status_code == 302
    assert Flag.objects.get(pk=flag.pk).title == "Renamed"


def test_badges_on_board_cards_project_header_and_list(client, viewer, project, scientist):
    idea = IdeaFactory(board__project=project, title="Flagged idea")
    services.flag_raise(project=project, idea=idea, title="A", severity="critical", actor=scientist)
    services.flag_raise(project=project, idea=idea, title="B", severity="low", actor=scientist)
    board = _page(client, viewer, idea.board.get_absolute_url())
    assert "2 open flags · critical" in board
    header = _page(client, viewer, project.get_absolute_url())
    assert "2 open flags · critical" in header
    listing = _page(client, viewer, reverse("projects:project-list"))
    assert "2 open flags · critical" in listing


def test_closed_flags_leave_no_badge(client, viewer, project, scientist, engineer):
    idea = IdeaFactory(board__project=project)
    flag = services.flag_raise(project=project, idea=idea, title="A", actor=scientist)
    flag = services.flag_transition(flag=flag, to="acknowledged", actor=engineer)
    services.flag_transition(flag=flag, to="resolved", actor=engineer, note="Done")
    assert "open flag" not in _page(client, viewer, idea.board.get_absolute_url())


def test_the_engineers_dashboard_shows_owned_and_unacknowledged_flags(client, project, scientist):
    from accounts.models import Discipline
    from tests.factories import UserFactory

    engineer = UserFactory(discipline=Discipline.SOFTWARE_ENGINEER)
    project.members.add(engineer)
    services.flag_raise(project=project, title="Mine to do", owner=engineer, actor=scientist)
    services.flag_raise(project=project, title="On my project", actor=scientist)
    page = _page(client, engineer, reverse("dashboard"))
    mine = page.index("Yours to act on")
    unack = page.index("Unacknowledged on your projects")
    assert mine < page.index("Mine to do") < unack < page.index("On my project")


def test_figures_page_with_a_chart_and_refusal_of_a_bad_period(client, viewer, flag):
    page = _page(client, viewer, reverse("flags:flag-stats"))
    assert "Caught early" in page and 'id="flags-by-month"' in page and "100 %" in page
    bad = _page(
        client, viewer, reverse("flags:flag-stats") + "?start=2026-02-01&end=2026-01-01", status=400
    )
    assert "Choose an end on or after the start." in bad
