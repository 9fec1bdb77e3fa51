"""factory_boy factories for Tandem's models."""

import datetime

import factory
from django.contrib.auth.models import User

from accounts.models import Discipline, Profile, Role
from projects.models import Phase, Project, Rotation, Takeaway, Target, TargetKind


class UserFactory(factory.django.DjangoModelFactory):
    """A person; ``role`` and ``discipline`` set the profile the signal creates."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password("pw-for-tests-123")

    @factory.post_generation
    def role(self, create: bool, extracted: str | None, **kwargs) -> None:
        if create:
            Profile.objects.filter(user=self).update(role=extracted or Role.MEMBER)
            self.profile.refresh_from_db()

    @factory.post_generation
    def discipline(self, create: bool, extracted: str | None, **kwargs) -> None:
        if create and extracted:
            Profile.objects.filter(user=self).update(discipline=extracted)
            self.profile.refresh_from_db()


class ProjectFactory(factory.django.DjangoModelFactory):
    """A project in research, on track."""

    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"Project {n}")
    slug = factory.Sequence(lambda n: f"project-{n}")
    summary = "Predict what matters."
    customer_value = "Customers get better recommendations."
    product_manager = factory.SubFactory(UserFactory)
    phase = Phase.RESEARCH


# --- projects slice ------------------------------------------------------------------------


class TargetFactory(factory.django.DjangoModelFactory):
    """A target of a project."""

    class Meta:
        model = Target

    project = factory.SubFactory(ProjectFactory)
    kind = TargetKind.TARGET
    text = factory.Sequence(lambda n: f"Customers see a better offer {n}")
    position = factory.Sequence(lambda n: n)


class RotationFactory(factory.django.DjangoModelFactory):
    """A person on a project for a quarter, full time, starting a month ago."""

    class Meta:
        model = Rotation

    person = factory.SubFactory(UserFactory, discipline=Discipline.DATA_SCIENTIST)
    project = factory.SubFactory(ProjectFactory)
    role = "Data scientist"
    start = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=30))
    planned_end = factory.LazyAttribute(lambda r: r.start + datetime.timedelta(days=90))
    allocation = 100


class TakeawayFactory(factory.django.DjangoModelFactory):
    """A takeaway by a member."""

    class Meta:
        model = Takeaway

    author = factory.SubFactory(UserFactory)
    project = None
    title = factory.Sequence(lambda n: f"Lesson {n}")
    text = "Validate **offline** before asking for an A/B test."
    tags = ",modelling,"


# --- research ---------------------------------------------------------------------------


class BoardFactory(factory.django.DjangoModelFactory):
    """A board on a fresh project with a 2 % gain bar (add metrics with MetricFactory)."""

    class Meta:
        model = "research.Board"

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Board {n}")
    question = "Which model best predicts churn?"
    gain_bar = 2.0


class MetricFactory(factory.django.DjangoModelFactory):
    """A higher-is-better metric with baseline 0.80."""

    class Meta:
        model = "research.Metric"

    board = factory.SubFactory(BoardFactory)
    name = factory.Sequence(lambda n: f"AUC {n}")
    unit = ""
    direction = "higher"
    baseline = 0.80
    target = None


class IdeaFactory(factory.django.DjangoModelFactory):
    """A proposed idea (no status change recorded; use ``idea_create`` for that)."""

    class Meta:
        model = "research.Idea"

    board = factory.SubFactory(BoardFactory)
    title = factory.Sequence(lambda n: f"Idea {n}")
    hypothesis = "It will help."
    owner = factory.SubFactory(UserFactory)
    status = "proposed"
    maturity = "idea"
    # Positions are unique per board column (a database constraint).
    position = factory.Sequence(lambda n: n + 1)


class ReadingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "research.Reading"

    idea = factory.SubFactory(IdeaFactory)
    metric = factory.LazyAttribute(lambda reading: MetricFactory(board=reading.idea.board))
    value = 0.81
    source = "manual"


# --- cross-slice helpers ---------------------------------------------------------------------


def project_with_open_gates(**kwargs) -> Project:
    """A project that passes every phase gate: a target and a promoted idea on a board.

    Tests that walk the phase table use this, so a slice that adds a gate extends it here.
    """
    project = ProjectFactory(**kwargs)
    TargetFactory(project=project)
    IdeaFactory(board=BoardFactory(project=project), status="promoted")
    return project


class FlagFactory(factory.django.DjangoModelFactory):
    """An open, medium dependency flag raised in research (no history row; use
    ``flags.services.flag_raise`` for that)."""

    class Meta:
        model = "flags.Flag"

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Dependency {n}")
    kind = "data_pipeline"
    severity = "medium"
    status = "open"
    raised_by = factory.SubFactory(UserFactory)
    raised_in_phase = factory.LazyAttribute(lambda flag: flag.project.phase)
    opened_at = factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC))


# --- data gaps --------------------------------------------------------------------------------


class DataGapFactory(factory.django.DjangoModelFactory):
    """An open, normal-urgency request filed by a member on a fresh project (no status change
    recorded; use ``datagap_create`` for that)."""

    class Meta:
        model = "datagaps.DataGap"

    title = factory.Sequence(lambda n: f"Data request {n}")
    data_needed = "Daily snapshots of the table, two years of history."
    unlocks = "A better model."
    project = factory.SubFactory(ProjectFactory)
    requester = factory.SubFactory(UserFactory)
    urgency = "normal"
    status = "open"
