"""The projects slice's rules: phases and gates, targets, rotations, takeaways, activity."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from activity.models import Activity, EventType
from core import registries as gates
from projects import selectors, services
from projects.models import Phase, PhaseChange, Project, Rotation, Takeaway
from projects.transitions import PHASE_TRANSITIONS
from tests.factories import (
    ProjectFactory,
    RotationFactory,
    TakeawayFactory,
    TargetFactory,
    UserFactory,
    project_with_open_gates,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


# --- projects and phases -------------------------------------------------------------------


def test_project_create_records_activity_and_derives_slug(manager):
    project = services.project_create(actor=manager, name="Customer Lifetime Value")
    assert project.slug == "customer-lifetime-value"
    assert project.phase == Phase.RESEARCH
    assert Activity.objects.filter(event=EventType.PROJECT_CREATED, project=project).exists()


def test_project_create_duplicate_slug_is_a_field_error(manager):
    services.project_create(actor=manager, name="A", slug="same")
    with pytest.raises(ValidationError) as error:
        services.project_create(actor=manager, name="B", slug="same")
    assert "slug" in error.value.message_dict
    assert Project.objects.count() == 1


@pytest.mark.parametrize("role_fixture", ["viewer", "member"])
def test_project_writes_need_a_manager(role_fixture, request):
    user = request.getfixturevalue(role_fixture)
    with pytest.raises(PermissionDenied):
        services.project_create(actor=user, name="Nope")
    project = ProjectFactory()
    with pytest.raises(PermissionDenied):
        services.project_update(project=project, actor=user, name="Changed")
    with pytest.raises(PermissionDenied):
        services.project_change_phase(project=project, to=Phase.PROTOTYPE, actor=user)


def test_project_update_cannot_touch_phase(manager):
    project = ProjectFactory()
    with pytest.raises(ValidationError) as error:
        services.project_update(project=project, actor=manager, phase=Phase.RELEASED)
    assert "phase" in error.value.message_dict


def test_project_update_records_what_changed(manager):
    project = ProjectFactory(health="on_track")
    services.project_update(project=project, actor=manager, health="at_risk")
    event = Activity.objects.get(event=EventType.PROJECT_UPDATED)
    assert event.data == {"health": ["on_track", "at_risk"]}


def test_project_update_rejects_unknown_health(manager):
    project = ProjectFactory()
    with pytest.raises(ValidationError) as error:
        services.project_update(project=project, actor=manager, health="great")
    assert "health" in error.value.message_dict


def test_leaving_research_needs_a_target(manager):
    project = ProjectFactory()
    with pytest.raises(ValidationError) as error:
        services.project_change_phase(project=project, to=Phase.PROTOTYPE, actor=manager)
    assert "target" in " ".join(error.value.message_dict["to"])
    project.refresh_from_db()
    assert project.phase == Phase.RESEARCH
    assert not PhaseChange.objects.exists()


def test_manager_may_override_a_failing_gate_with_a_reason(manager):
    project = ProjectFactory()
    services.project_change_phase(
        project=project, to=Phase.PROTOTYPE, actor=manager, override_reason="Spike only"
    )
    change = PhaseChange.objects.get()
    assert change.override_reason == "Spike only"
    assert (
        Activity.objects.get(event=EventType.PROJECT_PHASE_CHANGED).data["override_reason"]
        == "Spike only"
    )


def test_blank_override_reason_does_not_override(manager):
    project = ProjectFactory()
    with pytest.raises(ValidationError):
        services.project_change_phase(
            project=project, to=Phase.PROTOTYPE, actor=manager, override_reason="   "
        )


def test_phase_change_records_who_when_from_to_note(manager):
    project = ProjectFactory()
    TargetFactory(project=project)
    services.project_change_phase(
        project=project, to=Phase.PROTOTYPE, actor=manager, note="Ready to build"
    )
    change = PhaseChange.objects.get()
    assert (change.from_phase, change.to_phase, change.actor, change.note) == (
        Phase.RESEARCH,
        Phase.PROTOTYPE,
        manager,
        "Ready to build",
    )
    assert change.override_reason == ""
    project.refresh_from_db()
    assert project.phase == Phase.PROTOTYPE


@pytest.mark.parametrize("to", ["shipped", "", Phase.RELEASED])
def test_illegal_or_unknown_phase_is_refused(manager, to):
    project = ProjectFactory()
    with pytest.raises(ValidationError) as error:
        services.project_change_phase(project=project, to=to, actor=manager)
    assert "to" in error.value.message_dict


def test_registered_gates_from_other_slices_apply(manager):
    """The research slice plugs its check in the same way; here a stand-in gate."""

    def needs_promoted_idea(project, to):
        return ["Promote an idea first."]

    project = ProjectFactory(phase=Phase.PROTOTYPE)
    gates.register_gate(needs_promoted_idea, entering=Phase.IMPLEMENTATION)
    try:
        with pytest.raises(ValidationError) as error:
            services.project_change_phase(project=project, to=Phase.IMPLEMENTATION, actor=manager)
        assert "Promote an idea first." in error.value.message_dict["to"]
    finally:
        gates._GATES.pop(f"{needs_promoted_idea.__module__}.{needs_promoted_idea.__qualname__}")


def test_release_ends_active_rotations(manager):
    project = ProjectFactory(phase=Phase.IMPLEMENTATION)
    active = RotationFactory(project=project, start=days(-30), planned_end=days(30))
    placeholder = RotationFactory(project=project, person=None, start=days(-5), planned_end=None)
    past = RotationFactory(project=project, start=days(-200), planned_end=days(-100))
    future = RotationFactory(project=project, start=days(10), planned_end=days(40))
    services.project_change_phase(project=project, to=Phase.RELEASED, actor=manager)
    for rotation in (active, placeholder, past, future):
        rotation.refresh_from_db()
    assert active.actual_end == TODAY
    assert active.takeaway_requested_at is not None
    assert placeholder.actual_end == TODAY
    assert placeholder.takeaway_requested_at is None
    assert past.actual_end is None and future.actual_end is None
    assert list(selectors.takeaways_requested_of(active.person)) == [active]
    assert list(selectors.rotations_rolling_off()) == []
    assert Activity.objects.filter(event=EventType.TAKEAWAY_REQUESTED).count() == 1


def test_every_allowed_transition_is_accepted_and_others_refused(manager):
    for source, allowed in PHASE_TRANSITIONS.items():
        for to in Phase.values:
            project = project_with_open_gates(phase=source)
            if to in allowed:
                services.project_change_phase(project=project, to=to, actor=manager)
                project.refresh_from_db()
                assert project.phase == to
            else:
                with pytest.raises(ValidationError):
                    services.project_change_phase(project=project, to=to, actor=manager)


# --- targets -------------------------------------------------------------------------------


def test_targets_append_reorder_edit_delete(manager):
    project = ProjectFactory()
    first = services.target_create(project=project, actor=manager, text="Know churn early")
    second = services.target_create(
        project=project, actor=manager, text="A PM sees LTV", kind="scenario"
    )
    assert [t.pk for t in selectors.project_targets(project)] == [first.pk, second.pk]
    services.target_move(target=second, actor=manager, direction="up")
    assert [t.pk for t in selectors.project_targets(project)] == [second.pk, first.pk]
    services.target_update(target=first, actor=manager, text="Know churn a month early")
    first.refresh_from_db()
    assert first.text == "Know churn a month early"
    services.target_delete(target=first, actor=manager)
    assert list(selectors.project_targets(project)) == [second]
    verbs = set(Activity.objects.values_list("event", flat=True))
    assert {
        EventType.TARGET_CREATED,
        EventType.TARGETS_REORDERED,
        EventType.TARGET_UPDATED,
        EventType.TARGET_DELETED,
    } <= verbs


def test_target_needs_text_and_valid_kind(manager):
    project = ProjectFactory()
    with pytest.raises(ValidationError) as error:
        services.target_create(project=project, actor=manager, text="  ", kind="dream")
    assert {"text", "kind"} <= set(error.value.message_dict)


def test_member_cannot_edit_targets(member):
    with pytest.raises(PermissionDenied):
        services.target_create(project=ProjectFactory(), actor=member, text="x")


# --- rotations -----------------------------------------------------------------------------


def test_rotation_planned_end_defaults_to_target_release(manager):
    project = ProjectFactory(target_release=days(60))
    person = UserFactory()
    rotation = services.rotation_create(
        actor=manager, project=project, person=person, role="DS", start=TODAY
    )
    assert rotation.planned_end == days(60)


def test_rotation_end_before_start_is_refused(manager):
    with pytest.raises(ValidationError) as error:
        services.rotation_create(
            actor=manager,
            project=ProjectFactory(),
            person=UserFactory(),
            role="DS",
            start=TODAY,
            planned_end=days(-1),
        )
    assert error.value.message_dict
    assert not Rotation.objects.exists()


@pytest.mark.parametrize("allocation", [0, 101, -5])
def test_rotation_allocation_out_of_range_is_refused(manager, allocation):
    with pytest.raises(ValidationError) as error:
        services.rotation_create(
            actor=manager,
            project=ProjectFactory(),
            person=UserFactory(),
            role="DS",
            start=TODAY,
            allocation=allocation,
        )
    assert "allocation" in error.value.message_dict or "__all__" in error.value.message_dict


def test_database_refuses_bad_allocation_and_dates():
    rotation = RotationFactory.build(project=ProjectFactory(), person=UserFactory(), allocation=150)
    with pytest.raises(IntegrityError), transaction.atomic():
        rotation.save()
    rotation = RotationFactory.build(
        project=ProjectFactory(), person=UserFactory(), start=TODAY, planned_end=days(-3)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        rotation.save()


def test_overlapping_rotations_of_one_person_on_one_project_are_refused(manager):
    existing = RotationFactory(start=days(-10), planned_end=days(20))
    with pytest.raises(ValidationError) as error:
        services.rotation_create(
            actor=manager,
            project=existing.project,
            person=existing.person,
            role="DS",
            start=days(20),
            planned_end=days(40),
        )
    assert "overlap" in error.value.message_dict["start"][0]
    # Back to back is fine, and so is another project.
    services.rotation_create(
        actor=manager,
        project=existing.project,
        person=existing.person,
        role="DS",
        start=days(21),
        planned_end=days(40),
    )
    services.rotation_create(
        actor=manager,
        project=ProjectFactory(),
        person=existing.person,
        role="DS",
        start=days(0),
        planned_end=days(10),
        allocation=20,
    )


@pytest.mark.parametrize(
    "start, end, overlaps",
    [
        (-20, -11, False),  # wholly before, ends the day before the other starts
        (-20, -10, True),  # ends on the day the other starts
        (-20, 0, True),
        (-5, 5, True),  # inside
        (20, 30, True),  # starts on the day the other ends
        (21, 30, False),  # wholly after, starts the day after the other ends
        (-30, 40, True),  # around
    ],
)
def test_rotation_overlap_boundaries(manager, start, end, overlaps):
    """The other rotation runs from day -10 to day 20; days are inclusive."""
    existing = RotationFactory(start=days(-10), planned_end=days(20))
    kwargs = {"project": existing.project, "person": existing.person, "role": "DS"}
    if overlaps:
        with pytest.raises(ValidationError) as error:
            services.rotation_create(
                actor=manager, start=days(start), planned_end=days(end), **kwargs
            )
        assert "rotations may not overlap" in error.value.message_dict["start"][0]
    else:
        rotation = services.rotation_create(
            actor=manager, start=days(start), planned_end=days(end), **kwargs
        )
        # Moving it the other way keeps the same rule on update.
        services.rotation_update(
            rotation=rotation, actor=manager, start=days(start), planned_end=days(end)
        )
    assert Rotation.objects.count() == (1 if overlaps else 2)


def test_a_rotation_moved_wholly_before_another_on_update_is_accepted(manager):
    existing = RotationFactory(start=days(10), planned_end=days(20))
    later = RotationFactory(
        project=existing.project, person=existing.person, start=days(30), planned_end=days(40)
    )
    services.rotation_update(rotation=later, actor=manager, start=days(0), planned_end=days(9))
    later.refresh_from_db()
    assert (later.start, later.planned_end) == (days(0), days(9))
    with pytest.raises(ValidationError):
        services.rotation_update(rotation=later, actor=manager, planned_end=days(10))


def test_an_ended_rotation_lying_before_another_is_accepted(manager):
    """Its actual end counts, not the later planned end."""
    existing = RotationFactory(start=days(10), planned_end=days(20))
    services.rotation_create(
        actor=manager, project=existing.project, person=existing.person, role="DS",
        start=days(0), planned_end=days(30), actual_end=days(9),
    )  # fmt: skip
    assert Rotation.objects.count() == 2


def test_open_ended_rotation_overlaps_everything_after_it(manager):
    existing = RotationFactory(start=days(-10), planned_end=None)
    with pytest.raises(ValidationError):
        services.rotation_create(
            actor=manager,
            project=existing.project,
            person=existing.person,
            role="DS",
            start=days(300),
        )


def test_over_allocation_and_rolling_off_are_warnings(manager):
    person = UserFactory()
    RotationFactory(person=person, allocation=70, start=days(-10), planned_end=days(60))
    rotation = services.rotation_create(
        actor=manager,
        project=ProjectFactory(),
        person=person,
        role="DE",
        start=TODAY,
        planned_end=days(10),
        allocation=50,
    )
    warnings = services.rotation_warnings(rotation)
    assert any("over 100 %" in w for w in warnings)
    assert any("within 14 days" in w for w in warnings)
    assert list(selectors.rotations_rolling_off()) == [rotation]


def test_placeholder_is_demand_until_filled(manager):
    project = ProjectFactory()
    placeholder = services.rotation_create(
        actor=manager, project=project, role="ML engineer", start=days(7), planned_end=days(90)
    )
    assert placeholder.is_placeholder
    assert list(selectors.rotations_unfilled()) == [placeholder]
    person = UserFactory()
    services.rotation_update(rotation=placeholder, actor=manager, person=person)
    assert list(selectors.rotations_unfilled()) == []
    assert Activity.objects.filter(event=EventType.PLACEHOLDER_FILLED).exists()


def test_member_cannot_plan_rotations(member):
    with pytest.raises(PermissionDenied) as error:
        services.rotation_create(actor=member, project=ProjectFactory(), role="DS", start=TODAY)
    assert str(error.value) == "You need the manager role to plan rotations."
    rotation = RotationFactory()
    for write in (
        lambda: services.rotation_update(rotation=rotation, actor=member, role="X"),
        lambda: services.rotation_delete(rotation=rotation, actor=member),
    ):
        with pytest.raises(PermissionDenied) as error:
            write()
        assert str(error.value) == "You need the manager role to plan rotations."
    assert Rotation.objects.filter(pk=rotation.pk, role=rotation.role).exists()


@pytest.mark.parametrize("allocation, accepted", [(0, False), (1, True), (100, True), (101, False)])
def test_rotation_allocation_boundaries(manager, allocation, accepted):
    kwargs = {"actor": manager, "project": ProjectFactory(), "person": UserFactory(),
              "role": "DS", "start": TODAY, "allocation": allocation}  # fmt: skip
    if accepted:
        assert services.rotation_create(**kwargs).allocation == allocation
    else:
        with pytest.raises(ValidationError) as error:
            services.rotation_create(**kwargs)
        assert error.value.message_dict == {
            "allocation": ["Allocation is a percentage from 1 to 100."]
        }


def test_team_is_current_rotations_and_members():
    project = ProjectFactory()
    current = RotationFactory(project=project)
    RotationFactory(project=project, start=days(-100), planned_end=days(-50))
    member = UserFactory()
    project.members.add(member)
    assert set(selectors.project_team(project)) == {current.person, member}
    row = selectors.project_list().get(pk=project.pk)
    assert row.team_size == 2


# --- takeaways -----------------------------------------------------------------------------


def test_takeaway_tags_are_normalised_and_markdown_is_sanitised(member):
    from core.markdown import render_markdown

    takeaway = services.takeaway_create(
        actor=member,
        title="Leakage",
        text="**bold** <script>alert(1)</script>",
        tags="ML, churn ,ml",
    )
    assert takeaway.tags == ",churn,ml,"
    assert takeaway.tag_list == ["churn", "ml"]
    html = render_markdown(takeaway.text)
    assert "<strong>bold</strong>" in html and "<script>" not in html


def test_viewer_cannot_share_takeaways(viewer):
    with pytest.raises(PermissionDenied):
        services.takeaway_create(actor=viewer, title="x", text="y")


def test_only_author_or_admin_edits_a_takeaway(member, admin_user):
    takeaway = TakeawayFactory()
    with pytest.raises(PermissionDenied):
        services.takeaway_update(takeaway=takeaway, actor=member, title="Mine now")
    services.takeaway_update(takeaway=takeaway, actor=admin_user, title="Fixed typo")
    services.takeaway_delete(takeaway=takeaway, actor=takeaway.author)
    assert not Takeaway.objects.exists()


def test_takeaway_rotation_must_be_the_authors(member):
    other = RotationFactory()
    with pytest.raises(ValidationError) as error:
        services.takeaway_create(actor=member, title="x", text="y", rotation=other)
    assert "rotation" in error.value.message_dict
    mine = RotationFactory(person=member)
    takeaway = services.takeaway_create(actor=member, title="x", text="y", rotation=mine)
    assert takeaway.project == mine.project
    assert timezone.now() >= takeaway.created_at


def test_staffing_timeline_sums_weeks_and_filters_by_discipline():
    scientist = UserFactory(discipline="data_scientist")
    engineer = UserFactory(discipline="software_engineer")
    RotationFactory(person=scientist, allocation=70, start=days(-20), planned_end=days(20))
    RotationFactory(person=scientist, allocation=50, start=days(0), planned_end=days(40))
    RotationFactory(person=engineer, allocation=40, start=days(-20), planned_end=days(20))
    placeholder = RotationFactory(person=None, start=days(7), planned_end=days(30))
    timeline = selectors.staffing_timeline(discipline="data_scientist")
    assert len(timeline.weeks) == 25
    rows = {row["person"]: row for row in timeline.rows}
    assert engineer not in rows
    totals = rows[scientist]["totals"]
    assert totals[timeline.this_week] == 120
    assert max(totals) == 120 and min(totals) == 0
    assert len(rows[scientist]["bars"]) == 2
    assert timeline.placeholders == [placeholder]
    everyone = selectors.staffing_timeline()
    assert engineer in {row["person"] for row in everyone.rows}


# --- dates outside the sane range ----------------------------------------------------------


@pytest.mark.parametrize(
    "field,value",
    [
        ("start", datetime.date(9999, 12, 31)),
        ("start", datetime.date(1899, 12, 31)),
        ("planned_end", datetime.date(2201, 1, 1)),
    ],
)
def test_rotation_dates_outside_the_sane_range_are_field_errors(manager, field, value):
    dates = {"start": TODAY, "planned_end": None, field: value}
    with pytest.raises(ValidationError) as error:
        services.rotation_create(
            actor=manager, project=ProjectFactory(), person=UserFactory(), role="DS", **dates
        )
    assert field in error.value.message_dict
    assert not Rotation.objects.exists()


def test_rotation_update_refuses_dates_near_year_9999(manager):
    rotation = RotationFactory(start=TODAY, planned_end=days(30))
    with pytest.raises(ValidationError) as error:
        services.rotation_update(
            rotation=rotation,
            actor=manager,
            start=datetime.date(9999, 12, 30),
            planned_end=datetime.date(9999, 12, 31),
            actual_end=datetime.date(1, 1, 1),
        )
    assert {"start", "planned_end", "actual_end"} <= set(error.value.message_dict)
    rotation.refresh_from_db()
    assert rotation.start == TODAY


def test_project_target_release_outside_the_sane_range_is_a_field_error(manager):
    with pytest.raises(ValidationError) as error:
        services.project_create(
            actor=manager, name="Far future", target_release=datetime.date(9999, 12, 31)
        )
    assert "target_release" in error.value.message_dict
    project = ProjectFactory()
    with pytest.raises(ValidationError) as error:
        services.project_update(
            project=project, actor=manager, target_release=datetime.date(1000, 1, 1)
        )
    assert "target_release" in error.value.message_dict


def test_rotation_warnings_do_not_overflow_at_the_end_of_the_calendar():
    # Rows written before the range check (or around the services) must still render.
    rotation = RotationFactory.build(
        person=UserFactory(), start=datetime.date(9999, 12, 30), planned_end=None
    )
    assert services.rotation_warnings(rotation, today=TODAY) == []
    rotation.planned_end = datetime.date(9999, 12, 31)
    assert services.rotation_warnings(rotation, today=TODAY) == []


def test_rotation_create_records_an_actual_end_on_or_after_the_start(manager):
    project, person = ProjectFactory(), UserFactory()
    with pytest.raises(ValidationError) as error:
        services.rotation_create(
            actor=manager, project=project, person=person, role="DS", start=TODAY,
            actual_end=days(-1),
        )  # fmt: skip
    assert "actual_end" in error.value.message_dict
    rotation = services.rotation_create(
        actor=manager, project=project, person=person, role="DS", start=days(-30),
        planned_end=days(-1), actual_end=days(-5),
    )  # fmt: skip
    assert rotation.actual_end == days(-5)


def test_archiving_a_research_project_needs_no_target(manager):
    project = ProjectFactory()
    assert gates.gate_problems(project, Phase.ARCHIVED) == []
    assert gates.gate_problems(project, Phase.PROTOTYPE)
    services.project_change_phase(project=project, to=Phase.ARCHIVED, actor=manager)
    project.refresh_from_db()
    assert project.phase == Phase.ARCHIVED
    assert PhaseChange.objects.get().override_reason == ""


def test_project_create_losing_a_slug_race_is_a_field_error(manager, monkeypatch):
    # The rival insert lands between the uniqueness check and ours: skip the check to mimic it.
    from projects.services import phases

    ProjectFactory(slug="same")
    monkeypatch.setattr(phases, "full_clean", lambda instance, exclude=None: None)
    with pytest.raises(ValidationError) as error:
        services.project_create(actor=manager, name="B", slug="same")
    assert "slug" in error.value.message_dict
    assert Project.objects.count() == 1  # the transaction is still usable
    project = ProjectFactory(slug="other")
    with pytest.raises(ValidationError) as error:
        services.project_update(project=project, actor=manager, slug="same")
    assert "slug" in error.value.message_dict
    assert Project.objects.filter(slug="other").exists()


def test_moving_or_editing_a_target_deleted_meanwhile_is_a_validation_error(manager):
    target = TargetFactory()
    TargetFactory(project=target.project)
    stale = type(target).objects.get(pk=target.pk)
    target.delete()
    with pytest.raises(ValidationError) as error:
        services.target_move(target=stale, actor=manager, direction="down")
    assert "target" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.target_update(target=stale, actor=manager, text="New")
    assert "target" in error.value.message_dict
