"""The projects pages: wiring, permissions per role, form errors, the phase table via UI and API,
and query budgets that do not grow with the number of rows."""

import datetime
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape

from accounts.models import person_label
from activity.models import Activity, EventType
from projects.models import Phase, PhaseChange, Project, Rotation, Takeaway, Target
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


def days(n: int) -> str:
    return (TODAY + datetime.timedelta(days=n)).isoformat()


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


# --- pages render for every role ----------------------------------------------------------


@pytest.mark.parametrize("role_fixture", ["viewer", "member", "manager", "admin_user"])
def test_read_pages_render_for_every_role(login, request, role_fixture):
    user = request.getfixturevalue(role_fixture)
    project = ProjectFactory()
    TargetFactory(project=project)
    RotationFactory(project=project, person=user)
    RotationFactory(project=project, person=None)
    TakeawayFactory(project=project, text="# Heading\n\n<script>alert(1)</script> *fine*")
    client = login(user)
    for url in [
        reverse("dashboard"),
        reverse("projects:project-list"),
        reverse("projects:staffing"),
        reverse("projects:takeaway-list"),
        project.get_absolute_url(),
        reverse("projects:project-team", kwargs={"slug": project.slug}),
        reverse("projects:project-takeaways", kwargs={"slug": project.slug}),
        reverse("projects:project-timeline", kwargs={"slug": project.slug}),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"<script>alert" not in response.content


def test_navigation_lists_the_slice_pages(login, viewer):
    content = login(viewer).get(reverse("projects:project-list")).content.decode()
    for label in ("Projects", "Staffing", "Takeaways"):
        assert f">{label}</a>" in content
    assert 'aria-current="page">Projects' in content


def test_the_user_menu_names_the_person_with_person_label(login, viewer, monkeypatch):
    """The menu goes through ``person_name`` (so through ``person_label``, the one naming
    rule), not its own ``get_full_name|default:get_username``."""
    monkeypatch.setattr(
        "accounts.templatetags.accounts_tags.person_label", lambda user: f"<{user.username}>"
    )
    content = login(viewer).get(reverse("projects:project-list")).content.decode()
    assert "<summary>&lt;viewer-user&gt; <span" in content


def test_project_page_has_the_registered_tabs(login, viewer):
    project = ProjectFactory()
    content = login(viewer).get(project.get_absolute_url()).content.decode()
    for label in ("Overview", "Team", "Takeaways", "Timeline"):
        assert f">{label}</a>" in content


def test_manager_actions_are_hidden_from_others(login, viewer, manager):
    project = ProjectFactory()
    page = login(viewer).get(project.get_absolute_url()).content.decode()
    assert "Change phase" not in page and "Edit project" not in page
    page = login(manager).get(project.get_absolute_url()).content.decode()
    assert "Change phase" in page and "Edit project" in page


@pytest.mark.parametrize("role_fixture", ["viewer", "member"])
def test_manager_actions_are_refused_on_the_server(login, request, role_fixture):
    client = login(request.getfixturevalue(role_fixture))
    project = ProjectFactory()
    target = TargetFactory(project=project)
    rotation = RotationFactory(project=project)
    slug = project.slug
    assert client.get(reverse("projects:project-create")).status_code == 403
    assert client.post(reverse("projects:project-create"), {"name": "X"}).status_code == 403
    assert (
        client.post(reverse("projects:project-edit", args=[slug]), {"name": "X"}).status_code == 403
    )
    assert (
        client.post(reverse("projects:project-phase", args=[slug]), {"to": "archived"}).status_code
        == 403
    )
    assert (
        client.post(
            reverse("projects:target-add", args=[slug]), {"text": "x", "kind": "target"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("projects:target-edit", args=[slug, target.pk]), {"action": "delete"}
        ).status_code
        == 403
    )
    assert client.get(reverse("projects:rotation-create")).status_code == 403
    assert client.post(reverse("projects:rotation-delete", args=[rotation.pk])).status_code == 403
    assert (
        Project.objects.count() == 1
        and Target.objects.count() == 1
        and Rotation.objects.count() == 1
    )
    assert project.phase == Project.objects.get().phase


# --- forms ---------------------------------------------------------------------------------


def test_manager_creates_and_edits_a_project(login, manager):
    client = login(manager)
    response = client.post(
        reverse("projects:project-create"),
        {"name": "Storage telemetry", "health": "on_track", "target_release": days(100)},
    )
    project = Project.objects.get()
    assert response.status_code == 302 and response.url == project.get_absolute_url()
    response = client.post(
        reverse("projects:project-edit", args=[project.slug]),
        {"name": "Storage telemetry engine", "slug": project.slug, "health": "at_risk"},
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.name, project.health) == ("Storage telemetry engine", "at_risk")


def test_project_form_shows_field_errors(login, manager):
    ProjectFactory(slug="taken")
    client = login(manager)
    response = client.post(
        reverse("projects:project-create"),
        {"name": "", "slug": "taken", "health": "superb", "target_release": "2026-13-01"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"name", "health", "target_release"} <= set(errors)
    response = client.post(
        reverse("projects:project-create"), {"name": "Dup", "slug": "taken", "health": "on_track"}
    )
    assert "slug" in response.context["form"].errors
    response = client.post(
        reverse("projects:project-create"),
        {"name": "Staff", "slug": "staffing", "health": "on_track"},
    )
    assert "slug" in response.context["form"].errors
    assert Project.objects.count() == 1


def test_phase_form_error_is_shown_and_override_works(login, manager):
    project = ProjectFactory()
    client = login(manager)
    url = reverse("projects:project-phase", args=[project.slug])
    response = client.post(url, {"to": "prototype"})
    assert response.status_code == 400
    assert "target" in " ".join(response.context["phase_form"].errors["to"])
    response = client.post(url, {"to": "released"})
    assert response.status_code == 400
    response = client.post(url, {"to": "prototype", "override_reason": "Spike"})
    assert response.status_code == 302
    assert PhaseChange.objects.get().override_reason == "Spike"


def test_targets_inline_add_edit_move_delete(login, manager):
    project = ProjectFactory()
    client = login(manager)
    add = reverse("projects:target-add", args=[project.slug])
    client.post(add, {"kind": "target", "text": "First"})
    client.post(add, {"kind": "scenario", "text": "Second"})
    response = client.post(add, {"kind": "target", "text": ""})
    assert response.status_code == 302  # errors come back as messages
    first, second = Target.objects.order_by("position")
    edit = reverse("projects:target-edit", args=[project.slug, second.pk])
    client.post(edit, {"action": "up"})
    assert list(Target.objects.order_by("position")) == [second, first]
    client.post(edit, {"action": "save", "kind": "target", "text": "Second, edited"})
    second.refresh_from_db()
    assert second.text == "Second, edited"
    client.post(edit, {"action": "delete"})
    assert list(Target.objects.all()) == [first]
    other = TargetFactory()
    wrong = reverse("projects:target-edit", args=[project.slug, other.pk])
    assert client.post(wrong, {"action": "delete"}).status_code == 404


def test_rotation_form_errors_and_warnings(login, manager):
    project = ProjectFactory()
    person = UserFactory()
    client = login(manager)
    url = reverse("projects:rotation-create")
    response = client.post(
        url,
        {"project": project.pk, "person": person.pk, "role": "DS", "start": days(5),
         "planned_end": days(1), "allocation": 150},
    )  # fmt: skip
    errors = response.context["form"].errors
    assert {"planned_end", "allocation"} <= set(errors)
    RotationFactory(
        person=person, allocation=80, start=TODAY, planned_end=TODAY + datetime.timedelta(days=60)
    )
    response = client.post(
        url,
        {"project": project.pk, "person": person.pk, "role": "DS", "start": days(0),
         "planned_end": days(7), "allocation": 50},
        follow=True,
    )  # fmt: skip
    texts = [str(m) for m in response.context["messages"]]
    assert any("over 100 %" in t for t in texts)
    assert any("within 14 days" in t for t in texts)
    rotation = Rotation.objects.get(project=project)
    response = client.post(
        reverse("projects:rotation-edit", args=[rotation.pk]),
        {"person": person.pk, "role": "DS", "start": days(-100), "planned_end": days(7),
         "allocation": 50},
    )  # fmt: skip
    assert response.status_code == 302  # the project field is fixed on edit


def test_placeholder_is_created_and_filled(login, manager):
    project = ProjectFactory()
    client = login(manager)
    client.post(
        reverse("projects:rotation-create"),
        {"project": project.pk, "person": "", "role": "ML engineer", "start": days(3),
         "planned_end": days(60), "allocation": 50},
    )  # fmt: skip
    placeholder = Rotation.objects.get()
    assert placeholder.person is None
    assert b"ML engineer" in client.get(reverse("dashboard")).content
    assert b"Unfilled: ML engineer" in client.get(reverse("projects:staffing")).content
    person = UserFactory()
    client.post(
        reverse("projects:rotation-edit", args=[placeholder.pk]),
        {"person": person.pk, "role": "ML engineer", "start": days(3), "planned_end": days(60),
         "allocation": 50},
    )  # fmt: skip
    placeholder.refresh_from_db()
    assert placeholder.person == person


def test_takeaway_create_edit_and_ownership(login, member):
    client = login(member)
    response = client.post(
        reverse("projects:takeaway-create"),
        {"title": "Leakage", "text": "Use **time** splits", "tags": "ML, splits"},
    )
    assert response.status_code == 302
    takeaway = Takeaway.objects.get()
    assert takeaway.author == member and takeaway.tag_list == ["ml", "splits"]
    feed = client.get(reverse("projects:takeaway-list") + "?tag=ml").content.decode()
    assert "<strong>time</strong>" in feed
    assert (
        client.get(reverse("projects:takeaway-list") + "?tag=nope").context["page"].paginator.count
        == 0
    )
    response = client.post(reverse("projects:takeaway-create"), {"title": "", "text": ""})
    assert {"title", "text"} <= set(response.context["form"].errors)
    other = TakeawayFactory()
    assert client.get(reverse("projects:takeaway-edit", args=[other.pk])).status_code == 403
    assert (
        client.post(
            reverse("projects:takeaway-edit", args=[other.pk]), {"action": "delete"}
        ).status_code
        == 403
    )
    assert Takeaway.objects.filter(pk=other.pk).exists()


# A query parameter that cannot be a slug preselects nothing (a NUL used to be a 500 on
# PostgreSQL: text fields cannot hold it). 200 is the slug's max_length: 201 is refused.
NOT_SLUGS = ["%00", "a%00b", "x" * 300, "a" * 201, "two words", "%C3%A9t%C3%A9"]


@pytest.mark.parametrize("value", NOT_SLUGS)
@pytest.mark.parametrize(
    "page, role", [("projects:rotation-create", "manager"), ("projects:takeaway-create", "member")]
)
def test_new_forms_ignore_a_project_parameter_that_is_not_a_slug(login, request, page, role, value):
    ProjectFactory(slug="x" * 200)
    ProjectFactory(slug="a" * 200)
    response = login(request.getfixturevalue(role)).get(f"{reverse(page)}?project={value}")
    assert response.status_code == 200
    assert response.context["form"]["project"].value() is None
    assert not re.search(r'value="\d+" selected', str(response.context["form"]["project"]))


@pytest.mark.parametrize(
    "page, role", [("projects:rotation-create", "manager"), ("projects:takeaway-create", "member")]
)
def test_new_forms_preselect_the_project_named_by_its_slug(login, request, page, role):
    project = ProjectFactory(slug="a" * 200)
    response = login(request.getfixturevalue(role)).get(f"{reverse(page)}?project={project.slug}")
    assert response.context["form"]["project"].value() == project.pk
    assert f'value="{project.pk}" selected' in str(response.context["form"]["project"])


@pytest.mark.parametrize("value", ["%00", "1.5", "²", "1" * 30, "-1", " 1"])
def test_takeaway_form_ignores_a_rotation_parameter_that_is_not_an_id(login, member, value):
    RotationFactory(person=member)
    response = login(member).get(f"{reverse('projects:takeaway-create')}?rotation={value}")
    assert response.status_code == 200
    assert response.context["form"]["rotation"].value() is None


def test_takeaway_form_preselects_only_the_persons_own_rotation(login, member):
    own = RotationFactory(person=member)
    other = RotationFactory()
    client = login(member)
    url = reverse("projects:takeaway-create")
    form = client.get(f"{url}?rotation={own.pk}").context["form"]
    assert form["rotation"].value() == own.pk and form["project"].value() == own.project_id
    form = client.get(f"{url}?rotation={other.pk}").context["form"]
    assert form["rotation"].value() is None and form["project"].value() is None


def test_release_asks_for_a_takeaway_on_the_dashboard(login, manager):
    project = ProjectFactory(phase=Phase.IMPLEMENTATION)
    rotation = RotationFactory(project=project)
    login(manager).post(reverse("projects:project-phase", args=[project.slug]), {"to": "released"})
    rotation.refresh_from_db()
    assert rotation.actual_end == TODAY
    page = login(rotation.person).get(reverse("dashboard")).content.decode()
    assert "Takeaways asked of you" in page
    assert f"?rotation={rotation.pk}" in page


# --- the whole transition table, through the UI and the API ------------------------------

ALL_MOVES = [(source, to) for source in Phase.values for to in Phase.values if source != to]


@pytest.mark.parametrize("source, to", ALL_MOVES)
def test_phase_table_through_ui_and_api(login, api_as, manager, source, to):
    allowed = to in PHASE_TRANSITIONS[source]
    for channel in ("ui", "api"):
        project = project_with_open_gates(phase=source)
        if channel == "ui":
            response = login(manager).post(
                reverse("projects:project-phase", args=[project.slug]), {"to": to}
            )
            ok = response.status_code == 302
            assert response.status_code == (302 if allowed else 400)
        else:
            response = api_as(manager).post(f"/api/v1/projects/{project.pk}/phase/", {"to": to})
            ok = response.status_code == 200
            assert response.status_code == (200 if allowed else 400)
            if allowed:
                assert response.json()["allowed_phases"] == sorted(
                    PHASE_TRANSITIONS[to], key=Phase.values.index
                )
        project.refresh_from_db()
        assert project.phase == (to if allowed else source)
        assert ok == allowed
        assert PhaseChange.objects.filter(project=project).count() == (1 if allowed else 0)
        assert Activity.objects.filter(
            project=project, event=EventType.PROJECT_PHASE_CHANGED
        ).count() == (1 if allowed else 0)


# --- query budgets -------------------------------------------------------------------------


def _workspace(n: int) -> Project:
    """``n`` projects, each with a target, a member, a rotation, a placeholder and a takeaway;
    the first also holds ``n`` of each (and ``n`` phase changes, each by another person) so
    its pages grow too."""
    first = None
    for i in range(n):
        project = ProjectFactory()
        first = first or project
        TargetFactory(project=project)
        person = UserFactory()
        project.members.add(person)
        RotationFactory(project=project)
        RotationFactory(project=project, person=None)
        TakeawayFactory(project=project)
        TakeawayFactory(project=first, author=person)
        PhaseChange.objects.create(
            project=first, from_phase="research", to_phase="prototype", actor=person,
            note=f"phase note {i}.",
        )  # fmt: skip
        TargetFactory(project=first)
        RotationFactory(project=first, start=TODAY - datetime.timedelta(days=i))
        Activity.objects.create(
            event=EventType.PROJECT_UPDATED, project=first, target_repr=f"thing {i}"
        )
    return first


# Project pages: + 1 for the badges of the slices that mark projects (open flags).
PAGE_BUDGETS = {
    "project-list": 7,
    "project-detail": 8,  # + the research panel: tasks of the project's promoted ideas
    "project-team": 7,
    "project-timeline": 7,
    "project-takeaways": 7,
    "staffing": 8,  # + the projects of the project filter
    "takeaway-list": 7,
    # + the research panel: my ideas, my open tasks; the data-gaps panel of a manager (who
    # triages): assigned to me, untriaged, overdue, my open requests; the flags panel: flags
    # I own, unacknowledged flags on my projects; + the research panel's tasks to claim
    "dashboard": 17,
}


@pytest.mark.parametrize("size", [5, 50])
@pytest.mark.parametrize("page", sorted(PAGE_BUDGETS))
def test_page_query_budget(client, manager, django_assert_num_queries, page, size):
    """List pages, the project page and the staffing timeline: same queries at 5 and 50 rows."""
    first = _workspace(size)
    RotationFactory(
        person=manager,
        project=first,
        start=TODAY - datetime.timedelta(days=400),
        planned_end=TODAY - datetime.timedelta(days=300),
    )
    client.force_login(manager)
    if page == "dashboard":
        url = reverse("dashboard")
    elif page.startswith("project-") and page != "project-list":
        url = reverse(f"projects:{page}", kwargs={"slug": first.slug})
    else:
        url = reverse(f"projects:{page}")
    with django_assert_num_queries(PAGE_BUDGETS[page]):
        response = client.get(url)
    assert response.status_code == 200
    if page in ROWS_RENDERED:
        ROWS_RENDERED[page](response.content.decode(), first, size)


def _detail_rows(content: str, project: Project, size: int) -> None:
    """Every target (one per project made, plus one per row), the five newest phase changes
    with who made them, and none older."""
    targets = list(Target.objects.filter(project=project))
    assert len(targets) == size + 1
    for target in targets:
        assert f"</span> {escape(target.text)}\n" in content, target.text
    changes = list(PhaseChange.objects.filter(project=project).select_related("actor"))
    assert len(changes) == size
    for change in changes[:5]:
        assert f"by {escape(person_label(change.actor))} — “{change.note}”" in content
    for change in changes[5:]:
        assert change.note not in content


def _takeaway_rows(content: str, project: Project, size: int) -> None:
    """The twenty newest of the project's takeaways, with their authors; none older."""
    takeaways = list(Takeaway.objects.filter(project=project).select_related("author"))
    assert len(takeaways) == size + 1
    shown = takeaways[:20]
    for takeaway in shown:
        assert f">{takeaway.title}</h3>" in content
        assert f"<small>{escape(person_label(takeaway.author))} · " in content
    assert content.count('<article class="takeaway"') == len(shown)
    for takeaway in takeaways[20:]:
        assert f">{takeaway.title}</h3>" not in content


ROWS_RENDERED = {"project-detail": _detail_rows, "project-takeaways": _takeaway_rows}


def test_seed_is_idempotent_and_realistic():
    call_command("seed_demo", stdout=StringIO())
    counts = {m: m.objects.count() for m in (Project, Rotation, Takeaway, Target)}
    call_command("seed_demo", stdout=StringIO())
    assert {m: m.objects.count() for m in (Project, Rotation, Takeaway, Target)} == counts
    assert counts[Project] >= 6
    assert len(set(Project.objects.values_list("phase", flat=True))) >= 5
    from django.contrib.auth.models import User

    assert User.objects.count() >= 8
    assert Rotation.objects.filter(person__isnull=True).exists()


def test_admin_pages_for_every_model_render(client, admin_user):
    project = ProjectFactory()
    TargetFactory(project=project)
    RotationFactory(project=project)
    TakeawayFactory(project=project)
    Activity.objects.create(event=EventType.PROJECT_UPDATED, project=project)
    PhaseChange.objects.create(project=project, from_phase="research", to_phase="prototype")
    client.force_login(admin_user)
    for model in ("project", "phasechange", "target", "rotation", "takeaway"):
        assert client.get(f"/admin/projects/{model}/").status_code == 200, model
    for path in ("activity/activity", "accounts/profile", "accounts/apitoken", "auth/user"):
        assert client.get(f"/admin/{path}/").status_code == 200, path
    # Read-only: the change page shows the row (it is not a form).
    page = client.get(f"/admin/projects/project/{project.pk}/change/")
    assert page.status_code == 200 and project.name in page.content.decode()


def test_phase_form_lost_race_says_so(login, manager):
    project = ProjectFactory(phase=Phase.PROTOTYPE)
    client = login(manager)
    page = client.get(project.get_absolute_url()).content.decode()
    assert 'name="expected_phase" value="prototype"' in page
    Project.objects.filter(pk=project.pk).update(phase=Phase.ARCHIVED)
    response = client.post(
        reverse("projects:project-phase", args=[project.slug]),
        {"to": "research", "expected_phase": "prototype"},
        follow=True,
    )
    assert any("meanwhile" in str(m) for m in response.context["messages"])
    project.refresh_from_db()
    assert project.phase == Phase.ARCHIVED


def test_rotation_form_refuses_a_start_in_year_9999(login, manager):
    project = ProjectFactory()
    response = login(manager).post(
        reverse("projects:rotation-create"),
        {"project": project.pk, "person": UserFactory().pk, "role": "DS",
         "start": "9999-12-31", "allocation": 50},
    )  # fmt: skip
    assert response.status_code == 200
    assert "start" in response.context["form"].errors
    assert not Rotation.objects.exists()


def test_phase_gate_hint_speaks_of_the_override_reason_box_not_a_field_name(login, manager):
    project = ProjectFactory()
    response = login(manager).post(
        reverse("projects:project-phase", args=[project.slug]), {"to": "prototype"}
    )
    errors = response.context["phase_form"].errors
    assert "target" in " ".join(errors["to"])
    assert "reason" in " ".join(errors["override_reason"])
    assert not any("override_reason" in message for field in errors.values() for message in field)


def test_research_project_page_shows_no_gate_for_archiving(login, manager):
    project = ProjectFactory()
    response = login(manager).get(project.get_absolute_url())
    # Keyed by the phase's label, as the page shows it.
    assert response.context["gate_problems"]["Archived"] == []
    assert response.context["gate_problems"]["Prototype"]
    page = response.content.decode()
    assert "Gate for Archived" not in page and "Gate for Prototype" in page


def test_person_filters_label_people_by_full_name_like_the_forms(login, manager):
    UserFactory(username="maya", first_name="Maya", last_name="Okafor")
    UserFactory(username="nameless", first_name="", last_name="")
    client = login(manager)
    for url in (reverse("projects:project-list"), reverse("projects:takeaway-list")):
        form = client.get(url).context["filter"].form
        field = form.fields["person" if "person" in form.fields else "author"]
        labels = {label for _, label in field.choices}
        assert "Maya Okafor" in labels and "maya" not in labels
        assert "nameless" in labels


# --- one source for each rule: the service's words on the page ------------------------------


@pytest.mark.parametrize(
    "url_name, args, message",
    [
        ("projects:project-create", [], "You need the manager role to create or edit projects."),
        ("projects:rotation-create", [], "You need the manager role to plan rotations."),
    ],
)
def test_a_form_page_refused_says_the_services_words(login, viewer, url_name, args, message):
    for method in ("get", "post"):
        response = getattr(login(viewer), method)(reverse(url_name, args=args))
        assert response.status_code == 403
        assert escape(message) in response.content.decode()


def test_posts_without_a_form_page_are_refused_by_the_service_with_its_words(login, member):
    project = ProjectFactory()
    target = TargetFactory(project=project)
    rotation = RotationFactory(project=project)
    client = login(member)
    cases = [
        (
            reverse("projects:project-phase", args=[project.slug]),
            {"to": "archived"},
            "You need the manager role to change a project's phase.",
        ),
        (
            reverse("projects:target-add", args=[project.slug]),
            {"kind": "target", "text": "x"},
            "You need the manager role to edit targets.",
        ),
        (
            reverse("projects:target-edit", args=[project.slug, target.pk]),
            {"action": "up"},
            "You need the manager role to edit targets.",
        ),
        (
            reverse("projects:rotation-delete", args=[rotation.pk]),
            {},
            "You need the manager role to plan rotations.",
        ),
    ]
    for url, data, message in cases:
        response = client.post(url, data)
        assert response.status_code == 403, url
        assert escape(message) in response.content.decode(), url


def test_someone_elses_takeaway_edit_page_says_the_services_words(login, member):
    other = TakeawayFactory()
    response = login(member).get(reverse("projects:takeaway-edit", args=[other.pk]))
    assert response.status_code == 403
    assert escape("You can only change your own takeaways.") in response.content.decode()


def test_pages_offer_actions_by_the_same_rules(login, viewer, member, manager):
    project = ProjectFactory()
    RotationFactory(project=project)
    mine = TakeawayFactory(project=project, author=member)
    team = reverse("projects:project-team", args=[project.slug])
    feed = reverse("projects:takeaway-list")
    edit_mine = reverse("projects:takeaway-edit", args=[mine.pk])
    for user, plans, shares, edits in [
        (viewer, False, False, False),
        (member, False, True, True),
        (manager, True, True, False),
    ]:
        client = login(user)
        assert ("Add rotation or placeholder" in client.get(team).content.decode()) is plans
        page = client.get(feed).content.decode()
        assert ("Share a takeaway" in page) is shares
        assert (edit_mine in page) is edits


def test_an_illegal_phase_move_in_the_ui_shows_the_services_message(login, api_as, manager):
    message = "A project in Research cannot move to Released."
    project = ProjectFactory()
    response = login(manager).post(
        reverse("projects:project-phase", args=[project.slug]), {"to": "released"}
    )
    assert response.status_code == 400
    assert response.context["phase_form"].errors["to"] == [message]
    assert escape(message) in response.content.decode()
    body = api_as(manager).post(f"/api/v1/projects/{project.pk}/phase/", {"to": "released"}).json()
    assert body["to"] == [message]
    project.refresh_from_db()
    assert project.phase == Phase.RESEARCH


def test_an_unknown_phase_gets_the_services_message_in_the_ui_and_the_api(login, api_as, manager):
    project = ProjectFactory()
    response = login(manager).post(
        reverse("projects:project-phase", args=[project.slug]), {"to": "shipped"}
    )
    assert response.context["phase_form"].errors["to"] == ["“shipped” is not a phase."]
    body = api_as(manager).post(f"/api/v1/projects/{project.pk}/phase/", {"to": "shipped"}).json()
    assert body["to"] == ["“shipped” is not a phase."]


def test_the_phase_form_offers_only_the_allowed_moves(login, manager):
    project = ProjectFactory(phase=Phase.RELEASED)
    form = login(manager).get(project.get_absolute_url()).context["phase_form"]
    assert [value for value, _ in form.fields["to"].widget.choices] == ["monitoring", "archived"]


ALLOCATION_MESSAGE = "Allocation is a percentage from 1 to 100."


@pytest.mark.parametrize("allocation, accepted", [(0, False), (1, True), (100, True), (101, False)])
def test_allocation_range_in_the_ui_and_the_api(login, api_as, manager, allocation, accepted):
    """One range, one message: the model's, through the form and the API alike."""
    for channel in ("ui", "api"):
        project, person = ProjectFactory(), UserFactory()
        payload = {"project": project.pk, "person": person.pk, "role": "DS", "start": days(0),
                   "planned_end": days(30), "allocation": allocation}  # fmt: skip
        if channel == "ui":
            response = login(manager).post(reverse("projects:rotation-create"), payload)
            errors = {} if accepted else response.context["form"].errors
            assert response.status_code == (302 if accepted else 200)
        else:
            response = api_as(manager).post("/api/v1/rotations/", payload)
            errors = {} if accepted else response.json()
            assert response.status_code == (201 if accepted else 400)
        assert Rotation.objects.filter(project=project).exists() is accepted
        if not accepted:
            assert errors["allocation"] == [ALLOCATION_MESSAGE]


@pytest.mark.parametrize("end_offset, accepted", [(-1, False), (0, True)])
def test_date_order_in_the_ui_and_the_api(login, api_as, manager, end_offset, accepted):
    """Ending on the start day is fine, the day before is refused, with one message."""
    for channel in ("ui", "api"):
        project, person = ProjectFactory(), UserFactory()
        payload = {"project": project.pk, "person": person.pk, "role": "DS", "start": days(10),
                   "planned_end": days(10 + end_offset), "allocation": 50}  # fmt: skip
        if channel == "ui":
            response = login(manager).post(reverse("projects:rotation-create"), payload)
            errors = {} if accepted else response.context["form"].errors
        else:
            response = api_as(manager).post("/api/v1/rotations/", payload)
            errors = {} if accepted else response.json()
        assert Rotation.objects.filter(project=project).exists() is accepted
        if not accepted:
            assert errors["planned_end"] == ["The planned end cannot be before the start."]


def test_edit_forms_start_from_the_rows_editable_fields(login, manager):
    rotation = RotationFactory(allocation=40, role="ML engineer")
    form = login(manager).get(reverse("projects:rotation-edit", args=[rotation.pk])).context["form"]
    assert list(form.fields) == [
        "person",
        "role",
        "start",
        "planned_end",
        "actual_end",
        "allocation",
    ]
    assert form.initial["allocation"] == 40 and form.initial["role"] == "ML engineer"
    project = rotation.project
    form = login(manager).get(reverse("projects:project-edit", args=[project.slug])).context["form"]
    assert form.initial["name"] == project.name and form.initial["slug"] == project.slug


def test_takeaway_edit_form_shows_tags_as_typed(login, member):
    takeaway = TakeawayFactory(author=member, tags=",ml,splits,")
    page = login(member).get(reverse("projects:takeaway-edit", args=[takeaway.pk])).content
    assert b'value="ml, splits"' in page


def test_project_list_names_the_product_manager_like_everywhere(login, viewer):
    ProjectFactory(product_manager=UserFactory(username="pm-no-name", first_name="", last_name=""))
    page = login(viewer).get(reverse("projects:project-list")).content.decode()
    assert "<td>pm-no-name</td>" in page


# --- the admin writes through the services or not at all ---------------------------------------


def test_the_admin_cannot_write_around_the_services(client, admin_user):
    project = ProjectFactory(name="Before")
    rotation = RotationFactory(project=project)
    takeaway = TakeawayFactory(project=project)
    target = TargetFactory(project=project)
    change = PhaseChange.objects.create(
        project=project, from_phase="research", to_phase="prototype"
    )
    client.force_login(admin_user)
    assert client.get("/admin/projects/project/add/").status_code == 403
    response = client.post(
        f"/admin/projects/project/{project.pk}/change/",
        {"name": "After", "slug": project.slug, "health": "on_track"},
    )
    assert response.status_code == 403
    project.refresh_from_db()
    assert project.name == "Before"
    for model, obj in [
        ("project", project), ("rotation", rotation), ("takeaway", takeaway),
        ("target", target), ("phasechange", change),
    ]:  # fmt: skip
        assert (
            client.post(f"/admin/projects/{model}/{obj.pk}/delete/", {"post": "yes"}).status_code
            == 403
        )
        assert type(obj).objects.filter(pk=obj.pk).exists(), model
    assert not Activity.objects.exists()  # nothing was written, so nothing to record
    # Each row links to the page where the services edit it.
    page = client.get(f"/admin/projects/rotation/{rotation.pk}/change/").content.decode()
    assert reverse("projects:rotation-edit", args=[rotation.pk]) in page
