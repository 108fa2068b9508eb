"""Where a proposal, case, hall, representative or project belongs: a community, a compound or
a building. The level says which; the community (and its subdistrict) is always set, so that
every row can be filtered by subdistrict and community without joins."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.deliberation.models.choices import PlaceLevel
from gongzhi.places.models import Building, Community, Compound, Subdistrict


@dataclass(frozen=True)
class Place:
    """A resolved place: the level and the ids up the tree."""

    level: str
    subdistrict_id: int
    community_id: int
    compound_id: int | None = None
    building_id: int | None = None

    @property
    def key(self) -> tuple[str, int]:
        """(level, id of the place at that level): equal keys mean the same place."""
        if self.level == PlaceLevel.BUILDING:
            assert self.building_id is not None
            return (self.level, self.building_id)
        if self.level == PlaceLevel.COMPOUND:
            assert self.compound_id is not None
            return (self.level, self.compound_id)
        return (self.level, self.community_id)

    def contains(self, other: Place) -> bool:
        """Is `other` this place or inside it?"""
        if self.level == PlaceLevel.COMMUNITY:
            return other.community_id == self.community_id
        if self.level == PlaceLevel.COMPOUND:
            return other.compound_id == self.compound_id
        return other.building_id == self.building_id

    def as_fields(self) -> dict[str, object]:
        return {
            "level": self.level,
            "subdistrict_id": self.subdistrict_id,
            "community_id": self.community_id,
            "compound_id": self.compound_id,
            "building_id": self.building_id,
        }


def place_of(
    *,
    community: Community | None = None,
    compound: Compound | None = None,
    building: Building | None = None,
) -> Place:
    """The place for the most specific of the given objects (building > compound > community).

    The parents are read from the given objects; pass them with their parents loaded
    (select_related) to avoid queries."""
    if building is not None:
        compound = building.compound
        community = compound.community
        return Place(
            PlaceLevel.BUILDING,
            community.subdistrict_id,
            community.pk,
            compound.pk,
            building.pk,
        )
    if compound is not None:
        community = compound.community
        return Place(PlaceLevel.COMPOUND, community.subdistrict_id, community.pk, compound.pk)
    if community is None:
        raise ValueError("a place needs a community, compound or building")
    return Place(PlaceLevel.COMMUNITY, community.subdistrict_id, community.pk)


class Placed(models.Model):
    """Abstract: the place columns shared by every model that belongs to a place."""

    level = models.CharField(_("层级"), max_length=12, choices=PlaceLevel.choices)
    subdistrict = models.ForeignKey(
        Subdistrict, on_delete=models.PROTECT, related_name="+", verbose_name=_("街道/地区")
    )
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区/村")
    )
    compound = models.ForeignKey(
        Compound,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("小区"),
    )
    building = models.ForeignKey(
        Building,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("楼栋"),
    )

    class Meta:
        abstract = True

    @property
    def place(self) -> Place:
        return Place(
            self.level,
            self.subdistrict_id,
            self.community_id,
            self.compound_id,
            self.building_id,
        )

    @property
    def place_label(self) -> str:
        """'社区 · 小区 · 楼栋' (loads the related rows; select_related them on lists)."""
        parts = [str(self.community.name)]
        if self.compound_id:
            parts.append(str(self.compound.name))  # type: ignore[union-attr]
        if self.building_id:
            parts.append(str(self.building.number))  # type: ignore[union-attr]
        return " · ".join(parts)

    def set_place(self, place: Place) -> None:
        for name, value in place.as_fields().items():
            setattr(self, name, value)
