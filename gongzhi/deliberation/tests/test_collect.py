"""集: proposals from residents and from staff, supports, and screening (accept, merge,
decline with a public reason)."""

from __future__ import annotations

import pytest

from gongzhi.deliberation import services
from gongzhi.deliberation.errors import (
    AlreadySupported,
    InvalidInput,
    NotPermitted,
    StepNotAllowed,
)
from gongzhi.deliberation.models import (
    Case,
    Origin,
    PlaceLevel,
    Proposal,
    ProposalStatus,
    ProposalSupport,
    Step,
    place_of,
)
from gongzhi.deliberation.tests.factories import START, Deliberation, proposal
from gongzhi.places.models import Building

pytestmark = pytest.mark.django_db


def test_a_resident_proposes_for_their_compound(d: Deliberation) -> None:
    place = place_of(compound=d.world.compound_a1)
    p = services.proposal_submit(
        by=d.residents[0], place=place, title="加装快递柜", body="快递常丢", at=START
    )
    assert (p.level, p.community_id, p.subdistrict_id, p.origin) == (
        PlaceLevel.COMPOUND,
        d.world.comm_a1.pk,
        d.world.sd_a.pk,
        Origin.RESIDENT,
    )


def test_a_building_place_keeps_its_compound_and_community(d: Deliberation) -> None:
    building = Building.objects.select_related("compound__community").get(
        compound=d.world.compound_a1
    )
    p = services.proposal_submit(
        by=d.residents[0], place=place_of(building=building), title="楼道灯", body="不亮", at=START
    )
    assert (p.building_id, p.compound_id, p.community_id) == (
        building.pk,
        d.world.compound_a1.pk,
        d.world.comm_a1.pk,
    )


def test_a_resident_cannot_propose_for_another_compound(d: Deliberation) -> None:
    with pytest.raises(NotPermitted):
        services.proposal_submit(
            by=d.residents[0],
            place=place_of(compound=d.world.compound_b1),
            title="加装快递柜",
            body="快递常丢",
        )


def test_a_resident_cannot_file_a_hotspot_proposal(d: Deliberation) -> None:
    with pytest.raises(NotPermitted):
        services.proposal_submit(
            by=d.residents[0], place=d.place, title="热点", body="x", origin=Origin.HOTSPOT
        )


def test_a_proposal_needs_a_title(d: Deliberation) -> None:
    with pytest.raises(InvalidInput):
        services.proposal_submit(by=d.residents[0], place=d.place, title="  ", body="x")


def test_residents_support_a_proposal_once_each(d: Deliberation) -> None:
    p = proposal(d)
    services.proposal_support(proposal=p, by=d.residents[1])
    services.proposal_support(proposal=p, by=d.residents[2])
    with pytest.raises(AlreadySupported):
        services.proposal_support(proposal=p, by=d.residents[1])
    assert Proposal.objects.get(pk=p.pk).support_count == 2


def test_a_resident_of_another_place_cannot_support(d: Deliberation) -> None:
    from gongzhi.deliberation.tests.factories import resident

    outsider = resident("resident_b1", d.world.compound_b1)
    with pytest.raises(NotPermitted):
        services.proposal_support(proposal=proposal(d), by=outsider)


def test_accepting_opens_a_case_in_collect(d: Deliberation) -> None:
    p = proposal(d)
    case = services.proposal_accept(proposal=p, by=d.secretary, at=START)
    p.refresh_from_db()
    assert (case.step, case.number, p.status, p.case_id) == (
        Step.COLLECT,
        f"YS2025{case.pk:06d}",
        ProposalStatus.ACCEPTED,
        case.pk,
    )


def test_a_second_proposal_joins_an_open_case(d: Deliberation) -> None:
    case = services.proposal_accept(proposal=proposal(d), by=d.secretary, at=START)
    services.proposal_accept(proposal=proposal(d), by=d.secretary, into=case, at=START)
    assert case.proposals.count() == 2 and Case.objects.count() == 1


def test_a_screened_proposal_cannot_be_supported(d: Deliberation) -> None:
    p = proposal(d)
    services.proposal_decline(proposal=p, by=d.secretary, reason="不属于议事范围")
    with pytest.raises(StepNotAllowed):
        services.proposal_support(proposal=p, by=d.residents[1])


def test_declining_needs_a_public_reason(d: Deliberation) -> None:
    with pytest.raises(InvalidInput):
        services.proposal_decline(proposal=proposal(d), by=d.secretary, reason="")


def test_merging_moves_the_supporters(d: Deliberation) -> None:
    original, duplicate = proposal(d), proposal(d)
    services.proposal_support(proposal=duplicate, by=d.residents[1])
    services.proposal_support(proposal=original, by=d.residents[1])
    services.proposal_support(proposal=duplicate, by=d.residents[2])
    services.proposal_merge(proposal=duplicate, into=original, by=d.secretary)
    supporters = set(
        ProposalSupport.objects.filter(proposal=original).values_list("person__username", flat=True)
    )
    original.refresh_from_db()
    # residents[0] wrote both (the author of the original is not counted as its supporter).
    assert supporters == {"resident_a1_b", "resident_a1_c"}
    assert original.support_count == 2
    assert Proposal.objects.get(pk=duplicate.pk).status == ProposalStatus.MERGED


def test_a_social_worker_cannot_screen(d: Deliberation) -> None:
    with pytest.raises(NotPermitted):
        services.proposal_accept(proposal=proposal(d), by=d.world.person("social_worker_a1"))


def test_a_withdrawn_case_is_over(d: Deliberation) -> None:
    case = services.proposal_accept(proposal=proposal(d), by=d.secretary, at=START)
    case = services.case_withdraw(case=case, by=d.secretary, reason="物业已修好")
    assert (case.step, case.closed_at is not None) == (Step.WITHDRAWN, True)
