"""The flag services: raising records the phase, who may do what, notes, the recorded
phase that never changes, and lost races."""

import datetime
import threading

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from accounts.models import Discipline, Role
from activity.models import Activity, EventType
from core.exceptions import Conflict
from flags import services
from flags.models import Flag, FlagStatus, FlagStatusChange
from projects import services as project_services
from projects.models import Phase
from tests.factories import BoardFactory, IdeaFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_raising_records_the_phase_history_and_an_event(flag, project, scientist):
    assert flag.status == FlagStatus.OPEN
    assert flag.raised_in_phase == Phase.PROTOTYPE
    assert flag.raised_by == scientist
    assert flag.opened_at is not None
    assert list(
        FlagStatusChange.objects.filter(flag=flag).values_list("from_status", "to_status")
    ) == [("", "open")]
    event = Activity.objects.get(event=EventType.FLAG_RAISED)
    assert (event.project, event.target_id, event.data["phase"]) == (project, flag.pk, "prototype")


def test_the_phase_recorded_is_the_phase_at_raising_not_later(flag, project, manager):
    project_services.project_change_phase(project=project, to=Phase.RESEARCH, actor=manager)
    flag.refresh_from_db()
    assert flag.raised_in_phase == Phase.PROTOTYPE


def test_a_viewer_may_not_raise_a_flag(project, viewer):
    with pytest.raises(PermissionDenied, match="member role to work on dependency flags"):
        services.flag_raise(project=project, title="X", actor=viewer)
    assert not Flag.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"kind": "plumbing"}, "kind"),
        ({"severity": "apocalyptic"}, "severity"),
        ({"title": "nul \x00 here"}, "title"),
        ({"external_blocker": "https://not a url"}, "external_blocker"),
        ({"external_blocker": "ftp://files.example.com/x"}, "external_blocker"),
        ({"due_date": datetime.date(1800, 1, 1)}, "due_date"),
    ],
)
def test_bad_input_is_a_field_message_and_writes_nothing(raise_flag, fields, field):
    with pytest.raises(ValidationError) as refused:
        raise_flag(**fields)
    assert field in refused.value.message_dict
    assert not Flag.objects.exists()
    assert not Activity.objects.filter(event=EventType.FLAG_RAISED).exists()


def test_due_date_today_is_fine_yesterday_is_refused(raise_flag):
    today = timezone.localdate()
    assert raise_flag(due_date=today).due_date == today
    with pytest.raises(ValidationError) as refused:
        raise_flag(title="Late", due_date=today - datetime.timedelta(days=1))
    assert refused.value.message_dict["due_date"] == ["Choose a due date from today on."]


def test_an_external_blocker_may_be_a_team_or_an_http_url(raise_flag):
    assert raise_flag(external_blocker="Platform team").external_blocker == "Platform team"
    url = "https://tickets.example.com/PLAT-12"
    assert raise_flag(title="B", external_blocker=url).external_blocker == url


def test_an_inactive_owner_is_refused_on_raise_and_update(raise_flag, flag, manager):
    gone = UserFactory(is_active=False)
    with pytest.raises(ValidationError) as refused:
        raise_flag(owner=gone)
    assert refused.value.message_dict["owner"] == ["Choose someone whose account is active."]
    with pytest.raises(ValidationError):
        services.flag_update(flag=flag, actor=manager, owner=gone)
    assert Flag.objects.get(pk=flag.pk).owner != gone


def test_the_idea_must_be_on_the_flags_project(raise_flag, idea):
    assert raise_flag(idea=idea).idea == idea
    elsewhere = IdeaFactory(board=BoardFactory(project=ProjectFactory()))
    with pytest.raises(ValidationError) as refused:
        raise_flag(title="Other", idea=elsewhere)
    assert "idea" in refused.value.message_dict


@pytest.mark.parametrize("field", ["raised_in_phase", "status", "project", "opened_at"])
def test_recorded_fields_cannot_be_edited(flag, manager, field):
    with pytest.raises(ValidationError) as refused:
        services.flag_update(flag=flag, actor=manager, **{field: "implementation"})
    assert field in refused.value.message_dict
    flag.refresh_from_db()
    assert (flag.raised_in_phase, flag.status) == ("prototype", "open")


def test_update_changes_fields_and_records_only_real_changes(flag, scientist):
    services.flag_update(flag=flag, actor=scientist, title="Needs a clickstream feed")
    assert not Activity.objects.filter(event=EventType.FLAG_UPDATED).exists()
    services.flag_update(flag=flag, actor=scientist, severity="critical", title="  Clickstream  ")
    flag.refresh_from_db()
    assert (flag.severity, flag.title) == ("critical", "Clickstream")
    event = Activity.objects.get(event=EventType.FLAG_UPDATED)
    assert event.data["severity"] == ["high", "critical"]


@pytest.mark.parametrize(
    ("who", "may_edit"),
    [
        ("scientist", True),
        ("owner", True),
        ("manager", True),
        ("engineer", False),
        ("bystander", False),
        ("viewer", False),
    ],
)
def test_who_may_edit_a_flag(flag, request, who, may_edit):
    actor = request.getfixturevalue(who)
    if may_edit:
        services.flag_update(flag=flag, actor=actor, description="More detail.")
    else:
        with pytest.raises(PermissionDenied):
            services.flag_update(flag=flag, actor=actor, description="More detail.")


@pytest.mark.parametrize(
    ("who", "may_act", "may_reopen"),
    [
        ("owner", True, True),
        ("engineer", True, True),
        ("manager", True, True),
        ("scientist", False, True),  # raised it: may reopen, not acknowledge or resolve
        ("bystander", False, False),
        ("viewer", False, False),
    ],
)
def test_who_may_move_a_flag(flag, request, manager, who, may_act, may_reopen):
    actor = request.getfixturevalue(who)
    if may_act:
        flag = services.flag_transition(flag=flag, to="acknowledged", actor=actor)
    else:
        with pytest.raises(PermissionDenied):
            services.flag_transition(flag=flag, to="acknowledged", actor=actor)
        flag = services.flag_transition(flag=flag, to="acknowledged", actor=manager)
    flag = services.flag_transition(flag=flag, to="resolved", actor=manager, note="Done.")
    if may_reopen:
        assert (
            services.flag_transition(flag=flag, to="open", actor=actor, note="Back").status
            == "open"
        )
    else:
        with pytest.raises(PermissionDenied):
            services.flag_transition(flag=flag, to="open", actor=actor, note="Back")


def test_a_data_engineer_counts_as_an_engineer(flag):
    data_engineer = UserFactory(role=Role.MEMBER, discipline=Discipline.DATA_ENGINEER)
    assert (
        services.flag_transition(flag=flag, to="acknowledged", actor=data_engineer).status
        == "acknowledged"
    )


def test_an_engineer_with_the_viewer_role_may_not_act(flag):
    reader = UserFactory(role=Role.VIEWER, discipline=Discipline.SOFTWARE_ENGINEER)
    with pytest.raises(PermissionDenied):
        services.flag_transition(flag=flag, to="acknowledged", actor=reader)


@pytest.mark.parametrize("to", ["resolved", "accepted_risk"])
def test_resolving_or_accepting_needs_a_note(flag, engineer, to):
    flag = services.flag_transition(flag=flag, to="acknowledged", actor=engineer)
    for note in ("", "   "):
        with pytest.raises(ValidationError) as refused:
            services.flag_transition(flag=flag, to=to, actor=engineer, note=note)
        assert "note" in refused.value.message_dict
    moved = services.flag_transition(flag=flag, to=to, actor=engineer, note=" Shipped. ")
    assert (moved.status, moved.closing_note, moved.closed_by) == (to, "Shipped.", engineer)
    assert moved.closed_at is not None


def test_a_note_over_the_limit_is_refused(flag, engineer):
    flag = services.flag_transition(flag=flag, to="acknowledged", actor=engineer)
    with pytest.raises(ValidationError):
        services.flag_transition(flag=flag, to="resolved", actor=engineer, note="x" * 2001)
    assert (
        services.flag_transition(flag=flag, to="resolved", actor=engineer, note="x" * 2000).status
        == "resolved"
    )


def test_reopening_needs_a_note_and_opens_it_anew(flag, engineer):
    flag = services.flag_transition(flag=flag, to="acknowledged", actor=engineer)
    first_ack = flag.acknowledged_at
    flag = services.flag_transition(flag=flag, to="resolved", actor=engineer, note="Done")
    with pytest.raises(ValidationError):
        services.flag_transition(flag=flag, to="open", actor=engineer)
    reopened = services.flag_transition(flag=flag, to="open", actor=engineer, note="It broke again")
    assert reopened.status == "open"
    assert (reopened.closed_at, reopened.closed_by, reopened.closing_note) == (None, None, "")
    assert reopened.opened_at > flag.created_at
    again = services.flag_transition(flag=reopened, to="acknowledged", actor=engineer)
    assert again.acknowledged_at == first_ack  # the first acknowledgement is what is measured


def test_each_step_records_time_actor_and_event(flag, engineer, manager):
    flag = services.flag_transition(flag=flag, to="acknowledged", actor=engineer)
    flag = services.flag_transition(flag=flag, to="accepted_risk", actor=manager, note="Fine")
    assert (flag.acknowledged_by, flag.closed_by) == (engineer, manager)
    events = list(
        Activity.objects.filter(target_id=flag.pk).order_by("id").values_list("event", flat=True)
    )
    assert events == ["flag.raised", "flag.acknowledged", "flag.risk_accepted"]


def test_a_stale_expected_status_is_a_conflict(flag, engineer, manager):
    services.flag_transition(flag=flag, to="acknowledged", actor=engineer)
    with pytest.raises(Conflict):
        services.flag_transition(flag=flag, to="acknowledged", actor=manager, expected_from="open")
    with pytest.raises(Conflict):
        services.flag_transition(
            flag=flag, to="resolved", actor=manager, note="x", expected_from="open"
        )
    assert FlagStatusChange.objects.filter(flag=flag).count() == 2


def test_an_unknown_status_is_a_field_message(flag, manager):
    with pytest.raises(ValidationError) as refused:
        services.flag_transition(flag=flag, to="closed", actor=manager)
    assert refused.value.message_dict["to"] == ["“closed” is not a flag status."]


@pytest.mark.django_db(transaction=True)
def test_concurrent_acknowledgements_one_wins_the_other_conflicts():
    assert connection.vendor == "postgresql", "row locks need PostgreSQL (make test provides it)"
    raiser = UserFactory(role=Role.MEMBER)
    flag = services.flag_raise(project=ProjectFactory(), title="Shared", actor=raiser)
    engineers = [
        UserFactory(role=Role.MEMBER, discipline=Discipline.SOFTWARE_ENGINEER).pk for _ in range(2)
    ]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def acknowledge(user_id: int) -> None:
        try:
            actor = User.objects.select_related("profile").get(pk=user_id)
            barrier.wait(timeout=10)
            services.flag_transition(
                flag=Flag(pk=flag.pk), to="acknowledged", actor=actor, expected_from="open"
            )
            outcomes.append("moved")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=acknowledge, args=(pk,)) for pk in engineers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "moved"]
    assert FlagStatusChange.objects.filter(flag_id=flag.pk, to_status="acknowledged").count() == 1


@pytest.mark.parametrize(
    "blocker", ["javascript:alert(1)", "mailto:legal@example.com", "www.example.com", "http://"]
)
def test_a_link_that_is_not_an_http_url_is_refused(raise_flag, blocker):
    with pytest.raises(ValidationError) as refused:
        raise_flag(external_blocker=blocker)
    assert refused.value.message_dict["external_blocker"] == [
        "Enter a full http(s) URL, or a team's name."
    ]


def test_a_team_name_with_a_colon_is_a_name(raise_flag):
    assert raise_flag(external_blocker="Legal: EU privacy").external_blocker == "Legal: EU privacy"
