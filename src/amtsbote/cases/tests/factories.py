import factory

from amtsbote.cases import services
from amtsbote.cases.models import Case, Jobcenter, Person


class JobcenterFactory(factory.django.DjangoModelFactory):
    """Goes through ``jobcenter_create`` so the default registers exist as in production."""

    class Meta:
        model = Jobcenter

    name = factory.Sequence(lambda n: f"Jobcenter Musterstadt {n}")
    slug = factory.Sequence(lambda n: f"jc-{n}")
    state = "NW"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.jobcenter_create(**kwargs)


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case
        skip_postgeneration_save = True

    jobcenter = factory.SubFactory(JobcenterFactory)
    bg_number = factory.Sequence(lambda n: f"96201BG{n:07d}")

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):
        if create and extracted:
            self.teams.set(extracted)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    case = factory.SubFactory(CaseFactory)
    customer_number = factory.Sequence(lambda n: f"955D{n:06d}")
    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")
