"""factory_boy factories for Tandem's models."""

import factory
from django.contrib.auth.models import User

from projects.models import Phase, Profile, Project, Role


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
