"""The page registries: object panels and badges reach the pages of the apps above."""

import pytest

from core import registries
from core.registries import Badge
from tests.factories import IdeaFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scratch_registries(monkeypatch):
    """Empty panel and badge registries for one test, restored afterwards."""
    monkeypatch.setattr(registries, "_OBJECT_PANELS", {})
    monkeypatch.setattr(registries, "_BADGES", {})


def test_badges_are_fetched_once_per_source_for_a_whole_list(scratch_registries):
    calls = []

    def fetch(objects):
        calls.append([obj.pk for obj in objects])
        return {objects[0].pk: [Badge(text="1 open flag", css="sev-high")]}

    registries.register_badges(key="test", on="projects.project", fetch=fetch)
    first, second = ProjectFactory(), ProjectFactory()
    found = registries.badges_for("projects.project", [first, second])
    assert calls == [[first.pk, second.pk]]
    assert found == {first.pk: [Badge(text="1 open flag", css="sev-high")], second.pk: []}
    assert registries.badges_for("research.idea", [IdeaFactory()]) != found


def test_object_panels_show_only_on_their_model_and_may_leave_themselves_out(
    scratch_registries, member
):
    registries.register_object_panel(
        key="b", on="research.idea", template="b.html", context=lambda o, u: {"n": 2}, order=2
    )
    registries.register_object_panel(
        key="a", on="research.idea", template="a.html", context=lambda o, u: {"n": 1}, order=1
    )
    registries.register_object_panel(
        key="none", on="research.idea", template="x.html", context=lambda o, u: None, order=0
    )
    registries.register_object_panel(
        key="p", on="projects.project", template="p.html", context=lambda o, u: {}, order=0
    )
    assert registries.object_panels(IdeaFactory(), member) == [
        {"template": "a.html", "n": 1},
        {"template": "b.html", "n": 2},
    ]
