"""factory_boy factories for the place registry. Geometry is simple boxes in WGS-84."""

from __future__ import annotations

import factory
from shapely.geometry import box

from gongzhi.places.models import (
    Building,
    Community,
    Compound,
    District,
    Entrance,
    Grid,
    Subdistrict,
)


class DistrictFactory(factory.django.DjangoModelFactory[District]):
    class Meta:
        model = District
        django_get_or_create = ("code",)

    code = "110105000000"
    name = "朝阳区"
    outline = factory.LazyFunction(lambda: box(116.30, 39.80, 116.70, 40.10))


class SubdistrictFactory(factory.django.DjangoModelFactory[Subdistrict]):
    class Meta:
        model = Subdistrict

    district = factory.SubFactory(DistrictFactory)
    # 500–999: clear of the test world's 001/002 and of Chaoyang's real 001–043, and never
    # longer than 12 digits however long the session's sequence runs.
    code = factory.Sequence(lambda n: f"110105{500 + n % 500:03d}000")
    name = factory.Sequence(lambda n: f"测试{n + 1}街道")
    kind = Subdistrict.Kind.STREET


class CommunityFactory(factory.django.DjangoModelFactory[Community]):
    class Meta:
        model = Community

    subdistrict = factory.SubFactory(SubdistrictFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.subdistrict.code[:9]}{n % 999 + 1:03d}")
    name = factory.Sequence(lambda n: f"测试{n + 1}社区")
    official_name = factory.LazyAttribute(lambda o: f"{o.name}居委会")
    kind = Community.Kind.RESIDENTS


class CompoundFactory(factory.django.DjangoModelFactory[Compound]):
    class Meta:
        model = Compound

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"测试{n + 1}小区")
    kind = Compound.Kind.COMMERCIAL
    households = 300
    population = 800


class BuildingFactory(factory.django.DjangoModelFactory[Building]):
    class Meta:
        model = Building

    compound = factory.SubFactory(CompoundFactory)
    number = factory.Sequence(lambda n: f"{n + 1}号楼")


class EntranceFactory(factory.django.DjangoModelFactory[Entrance]):
    class Meta:
        model = Entrance

    building = factory.SubFactory(BuildingFactory)
    number = factory.Sequence(lambda n: f"{n + 1}单元")


class GridFactory(factory.django.DjangoModelFactory[Grid]):
    class Meta:
        model = Grid

    community = factory.SubFactory(CommunityFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.community.code}{n % 999 + 1:03d}")
    name = factory.Sequence(lambda n: f"第{n + 1}网格")
