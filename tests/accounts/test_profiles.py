"""Roles and disciplines change only through ``profile_update``: admins only, one activity event
per real change. The admin is an adapter to that service, and it cannot delete a person
(which would cascade their rotations, takeaways and takeaway requests away without a trace):
deactivating stays possible."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Discipline, Profile, Role
from accounts.services import profile_update
from activity.models import Activity
from projects.models import Rotation, Takeaway
from tests.factories import RotationFactory, TakeawayFactory, UserFactory

pytestmark = pytest.mark.django_db


def _events() -> list[tuple[str, int | None, str, dict]]:
    return [
        (event.event, event.actor_id, event.target_repr, event.data)
        for event in Activity.objects.order_by("id")
    ]


# --- the service ---------------------------------------------------------------------------


def test_admin_changes_role_and_discipline_and_the_log_records_it(admin_user):
    person = UserFactory(username="bob", role=Role.MEMBER)
    profile = profile_update(
        profile=person.profile,
        actor=admin_user,
        role=Role.MANAGER,
        discipline=Discipline.DATA_ENGINEER,
    )
    profile.refresh_from_db()
    assert (profile.role, profile.discipline) == (Role.MANAGER, Discipline.DATA_ENGINEER)
    assert _events() == [
        (
            "profile.updated",
            admin_user.pk,
            "bob",
            {"role": ["member", "manager"], "discipline": ["data_scientist", "data_engineer"]},
        )
    ]


def test_only_the_given_fields_change(admin_user):
    person = UserFactory(role=Role.MEMBER, discipline=Discipline.DESIGNER)
    profile_update(profile=person.profile, actor=admin_user, role=Role.VIEWER)
    person.profile.refresh_from_db()
    assert (person.profile.role, person.profile.discipline) == (Role.VIEWER, Discipline.DESIGNER)
    assert Activity.objects.get().data == {"role": ["member", "viewer"]}


def test_no_change_records_no_event(admin_user):
    person = UserFactory(role=Role.MEMBER, discipline=Discipline.DESIGNER)
    profile_update(
        profile=person.profile, actor=admin_user, role=Role.MEMBER, discipline=Discipline.DESIGNER
    )
    assert not Activity.objects.exists()


@pytest.mark.parametrize("role", [Role.VIEWER, Role.MEMBER, Role.MANAGER])
def test_only_admins_change_profiles(role):
    actor = UserFactory(role=role)
    person = UserFactory(role=Role.MEMBER)
    with pytest.raises(PermissionDenied, match="You need the admin role to change a person's"):
        profile_update(profile=person.profile, actor=actor, role=Role.ADMIN)
    person.profile.refresh_from_db()
    assert person.profile.role == Role.MEMBER
    assert not Activity.objects.exists()


def test_an_unknown_role_is_refused(admin_user):
    person = UserFactory(role=Role.MEMBER)
    with pytest.raises(ValidationError) as error:
        profile_update(profile=person.profile, actor=admin_user, role="owner")
    assert "role" in error.value.message_dict
    assert Profile.objects.get(user=person).role == Role.MEMBER
    assert not Activity.objects.exists()


# --- the admin -----------------------------------------------------------------------------


class _FormValues(HTMLParser):
    """The values a browser would submit from a page's forms (inputs, selects, textareas)."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button"):
            if attrs.get("type") == "checkbox":
                if "checked" in attrs:
                    self.values[name] = attrs.get("value") or "on"
            else:
                self.values[name] = attrs.get("value") or ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            if "selected" in attrs or self._select not in self.values:
                self.values[self._select] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data) -> None:
        if self._textarea:
            self.values[self._textarea] += data


def _form_values(client, url: str) -> dict[str, str]:
    response = client.get(url)
    assert response.status_code == 200
    parser = _FormValues()
    parser.feed(response.content.decode())
    return parser.values


def test_person_admin_changes_the_role_through_the_service(client, admin_user):
    person = UserFactory(username="bob", role=Role.MEMBER)
    client.force_login(admin_user)
    url = f"/admin/auth/user/{person.pk}/change/"
    data = _form_values(client, url)
    assert data["profile-0-role"] == "member"
    data["profile-0-role"] = "manager"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Profile.objects.get(user=person).role == Role.MANAGER
    assert _events() == [("profile.updated", admin_user.pk, "bob", {"role": ["member", "manager"]})]


def test_person_admin_saving_without_a_profile_change_records_nothing(client, admin_user):
    person = UserFactory(role=Role.MEMBER)
    client.force_login(admin_user)
    url = f"/admin/auth/user/{person.pk}/change/"
    data = _form_values(client, url)
    data["first_name"] = "Renamed"
    assert client.post(url, data).status_code == 302
    assert User.objects.get(pk=person.pk).first_name == "Renamed"
    assert not Activity.objects.exists()


def test_profile_admin_changes_the_discipline_through_the_service(client, admin_user):
    person = UserFactory(username="bob", discipline=Discipline.DESIGNER)
    client.force_login(admin_user)
    url = f"/admin/accounts/profile/{person.profile.pk}/change/"
    data = _form_values(client, url)
    data["discipline"] = "data_engineer"
    assert client.post(url, data).status_code == 302
    assert Profile.objects.get(user=person).discipline == Discipline.DATA_ENGINEER
    assert _events() == [
        ("profile.updated", admin_user.pk, "bob", {"discipline": ["designer", "data_engineer"]})
    ]


def test_staff_without_the_admin_role_cannot_change_a_role_in_the_admin(client):
    # Staff with the admin site's permission to change profiles, but not the admin role.
    staff = UserFactory(role=Role.MANAGER, is_staff=True)
    staff.user_permissions.set(
        Permission.objects.filter(codename__in=["view_profile", "change_profile"])
    )
    person = UserFactory(role=Role.MEMBER)
    client.force_login(staff)
    url = f"/admin/accounts/profile/{person.profile.pk}/change/"
    data = _form_values(client, url)
    data["role"] = "admin"
    assert client.post(url, data).status_code == 403
    assert Profile.objects.get(user=person).role == Role.MEMBER
    assert not Activity.objects.exists()


def test_the_admin_cannot_delete_a_person_or_a_profile(client, admin_user):
    person = UserFactory()
    RotationFactory(person=person)
    TakeawayFactory(author=person)
    client.force_login(admin_user)
    assert client.get(f"/admin/auth/user/{person.pk}/delete/").status_code == 403
    assert client.post(f"/admin/auth/user/{person.pk}/delete/", {"post": "yes"}).status_code == 403
    response = client.post(
        "/admin/auth/user/",
        {"action": "delete_selected", "_selected_action": [person.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    profile_url = f"/admin/accounts/profile/{person.profile.pk}/delete/"
    assert client.post(profile_url, {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=person.pk).exists()
    assert Profile.objects.filter(user=person).exists()
    assert Rotation.objects.filter(person=person).count() == 1
    assert Takeaway.objects.filter(author=person).count() == 1
    # The change page offers no delete link.
    assert b"deletelink" not in client.get(f"/admin/auth/user/{person.pk}/change/").content


def test_the_admin_can_still_deactivate_a_person(client, admin_user):
    person = UserFactory()
    client.force_login(admin_user)
    url = f"/admin/auth/user/{person.pk}/change/"
    data = _form_values(client, url)
    assert data["is_active"] == "on"
    del data["is_active"]
    assert client.post(url, data).status_code == 302
    assert User.objects.get(pk=person.pk).is_active is False


def test_the_last_admin_cannot_be_demoted_but_one_of_two_can():
    """Someone must always be able to manage people: the last active admin keeps the role."""
    only = UserFactory(role=Role.ADMIN)
    with pytest.raises(ValidationError) as error:
        profile_update(profile=only.profile, actor=only, role=Role.MANAGER)
    assert error.value.message_dict["role"] == [
        "Tandem needs at least one admin: make someone else an admin first."
    ]
    only.profile.refresh_from_db()
    assert only.profile.role == Role.ADMIN

    UserFactory(role=Role.ADMIN, is_active=False)  # an inactive admin does not count
    with pytest.raises(ValidationError):
        profile_update(profile=only.profile, actor=only, role=Role.MANAGER)

    second = UserFactory(role=Role.ADMIN)
    profile_update(profile=only.profile, actor=second, role=Role.MANAGER)
    only.profile.refresh_from_db()
    assert only.profile.role == Role.MANAGER
    with pytest.raises(ValidationError):
        profile_update(profile=second.profile, actor=second, role=Role.MEMBER)


def test_a_superuser_counts_as_another_admin():
    admin = UserFactory(role=Role.ADMIN)
    UserFactory(role=Role.VIEWER, is_superuser=True)
    profile_update(profile=admin.profile, actor=admin, role=Role.MEMBER)
    admin.profile.refresh_from_db()
    assert admin.profile.role == Role.MEMBER


def test_the_admin_shows_the_last_admin_refusal_on_the_form(client):
    """Demoting the only admin in the admin is a form error with the service's words."""
    only = UserFactory(username="solo", role=Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(only)
    url = f"/admin/accounts/profile/{only.profile.pk}/change/"
    data = _form_values(client, url)
    data["role"] = "manager"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Tandem needs at least one admin" in response.content.decode()
    assert Profile.objects.get(user=only).role == Role.ADMIN
