import factory
from allauth.account.models import EmailAddress

from amtsbote.accounts.constants import Role
from amtsbote.accounts.models import Team, User

PASSWORD = "Sicheres-Passwort-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")
    role = Role.CUSTOMER
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        """The address was confirmed (customers at sign-up, staff by whoever created them);
        ``verified_email=False`` makes an account that has not confirmed it yet."""
        if create:
            EmailAddress.objects.create(
                user=self, email=self.email, verified=extracted is not False, primary=True
            )


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    jobcenter = factory.SubFactory("amtsbote.cases.tests.factories.JobcenterFactory")
    name = factory.Sequence(lambda n: f"Team {n}")


class StaffFactory(UserFactory):
    role = Role.CASEWORKER
    jobcenter = factory.SubFactory("amtsbote.cases.tests.factories.JobcenterFactory")

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):
        if create and extracted:
            self.teams.set(extracted)
