from __future__ import annotations

import factory

from gongzhi.accounts.models import Membership, Person, Role, Unit
from gongzhi.places.tests.factories import DistrictFactory

TEST_PASSWORD = "correct-horse-共治-2026"


def _save_after_password(obj: Person, create: bool, extracted: object, **kwargs: object) -> None:
    # skip_postgeneration_save turns factory_boy's implicit save off; save the hash here.
    if create:
        obj.save()


class PersonFactory(factory.django.DjangoModelFactory[Person]):
    class Meta:
        model = Person
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    display_name = factory.Sequence(lambda n: f"测试人员{n}")
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    _save = factory.PostGeneration(_save_after_password)


class UnitFactory(factory.django.DjangoModelFactory[Unit]):
    class Meta:
        model = Unit

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"测试单位{n}")
    code = factory.Sequence(lambda n: f"unit-{n}")
    kind = Unit.Kind.DEPARTMENT


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    role = Role.RESIDENT
