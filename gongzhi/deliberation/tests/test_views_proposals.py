"""Proposals (金点子): a resident proposes for their home, supports once; staff of the place
accept into a case, merge or decline with a public reason; others are refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gongzhi.deliberation.models import Case, Proposal, ProposalStatus
from gongzhi.deliberation.tests.factories import Deliberation, proposal, resident

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def as_(d: Deliberation, client: Client, name: str) -> Client:
    residents = {p.username: p for p in d.residents}
    client.force_login(residents[name] if name in residents else d.person(name))
    return client


def screen(client: Client, p: Proposal, action: str, **fields: object) -> Any:
    data = {f"p{p.pk}-{action}-{k}": v for k, v in fields.items()}
    return client.post(f"/deliberation/proposals/{p.pk}/{action}/", data, headers=HTMX)


def test_a_resident_proposes_for_their_compound(d: Deliberation, client: Client) -> None:
    resident = as_(d, client, "resident_a1")
    form = resident.get("/deliberation/proposals/new/").content.decode()

    response = resident.post(
        "/deliberation/proposals/new/",
        {
            "place": f"compound:{d.world.compound_a1.pk}",
            "title": "加装座椅",
            "body": "院里没有座椅",
        },
    )

    assert "本小区：永安里小区" in form and "本社区：永安里社区" in form
    assert response.status_code == 302
    created = Proposal.objects.get(title="加装座椅")
    assert (created.level, created.compound_id, created.origin) == (
        "compound",
        d.world.compound_a1.pk,
        "resident",
    )


def test_a_proposal_needs_a_title(d: Deliberation, client: Client) -> None:
    response = as_(d, client, "resident_a1").post(
        "/deliberation/proposals/new/",
        {"place": f"community:{d.world.comm_a1.pk}", "title": "", "body": "内容"},
    )

    assert response.status_code == 400
    assert not Proposal.objects.exists()


def test_a_person_without_a_home_is_told_who_may_propose(d: Deliberation, client: Client) -> None:
    page = as_(d, client, "secretary_a1").get("/deliberation/proposals/new/").content.decode()

    assert "只有登记了居住小区的居民可以提出议题" in page
    assert 'name="title"' not in page


def test_a_resident_cannot_propose_for_a_place_that_is_not_their_home(
    d: Deliberation, client: Client
) -> None:
    response = as_(d, client, "resident_a1").post(
        "/deliberation/proposals/new/",
        {"place": f"compound:{d.world.compound_b1.pk}", "title": "别处的事", "body": "内容"},
    )

    assert response.status_code == 400  # not one of the choices
    assert not Proposal.objects.exists()


def test_a_neighbour_supports_once(d: Deliberation, client: Client) -> None:
    p = proposal(d)
    neighbour = as_(d, client, "resident_a1_b")
    url = f"/deliberation/proposals/{p.pk}/support/"

    first = neighbour.post(url, headers=HTMX)
    second = neighbour.post(url, headers=HTMX)

    assert first.status_code == 200 and "您已附议" in first.content.decode()
    assert second.status_code == 409 and "您已附议过该议题" in second.content.decode()
    p.refresh_from_db()
    assert p.support_count == 1


def test_a_resident_of_another_community_may_not_support(d: Deliberation, client: Client) -> None:
    p = proposal(d)
    client.force_login(resident("resident_b1", d.world.compound_b1))
    page = client.get("/deliberation/proposals/?all=1").content.decode()

    response = client.post(f"/deliberation/proposals/{p.pk}/support/", headers=HTMX)

    assert 'data-action="support"' not in page
    assert response.status_code == 403
    assert "只有本小区或本社区的居民可以附议" in response.content.decode()


def test_the_list_opens_on_the_persons_own_community(d: Deliberation, client: Client) -> None:
    mine = proposal(d)

    page = as_(d, client, "resident_a1").get("/deliberation/proposals/").content.decode()
    other = as_(d, client, "secretary_b1").get("/deliberation/proposals/").content.decode()

    assert f'id="proposal-{mine.pk}"' in page
    assert f'id="proposal-{mine.pk}"' not in other


@pytest.mark.parametrize(
    ("name", "offered"),
    [("secretary_a1", True), ("subdistrict_staff_a", True), ("social_worker_a1", False)],
)
def test_screening_is_offered_to_the_places_leaders(
    d: Deliberation, client: Client, name: str, offered: bool
) -> None:
    proposal(d)

    page = as_(d, client, name).get("/deliberation/proposals/?all=1").content.decode()

    assert ('data-action="accept"' in page) is offered


def test_accepting_opens_a_case_and_goes_to_its_page(d: Deliberation, client: Client) -> None:
    p = proposal(d)

    response = screen(as_(d, client, "secretary_a1"), p, "accept", title="南门照明", into="")

    case = Case.objects.get()
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"/deliberation/cases/{case.number}/"
    assert case.title == "南门照明"
    p.refresh_from_db()
    assert (p.status, p.case_id) == (ProposalStatus.ACCEPTED, case.pk)


def test_a_proposal_may_join_an_open_case(d: Deliberation, client: Client) -> None:
    first, second = proposal(d), proposal(d)
    secretary = as_(d, client, "secretary_a1")
    screen(secretary, first, "accept", title="", into="")
    case = Case.objects.get()

    screen(secretary, second, "accept", title="", into=case.pk)

    second.refresh_from_db()
    assert second.case_id == case.pk
    assert Case.objects.count() == 1


def test_declining_needs_a_public_reason(d: Deliberation, client: Client) -> None:
    p = proposal(d)
    secretary = as_(d, client, "secretary_a1")

    empty = screen(secretary, p, "decline", reason="")
    given = screen(secretary, p, "decline", reason="该处路灯属市政管理，已转12345")

    assert empty.status_code == 400
    assert "已不予采纳" in given.content.decode()
    p.refresh_from_db()
    assert (p.status, p.decline_reason) == (
        ProposalStatus.DECLINED,
        "该处路灯属市政管理，已转12345",
    )


def test_merging_moves_the_supporters(d: Deliberation, client: Client) -> None:
    keep, dup = proposal(d), proposal(d)
    as_(d, client, "resident_a1_b").post(f"/deliberation/proposals/{dup.pk}/support/")

    screen(as_(d, client, "secretary_a1"), dup, "merge", into=keep.pk)

    dup.refresh_from_db()
    keep.refresh_from_db()
    assert (dup.status, dup.merged_into_id) == (ProposalStatus.MERGED, keep.pk)
    assert keep.support_count == 1


def test_a_resident_posting_a_screening_gets_the_domains_message(
    d: Deliberation, client: Client
) -> None:
    p = proposal(d)

    response = screen(as_(d, client, "resident_a1"), p, "decline", reason="不喜欢")

    assert response.status_code == 403
    assert "您无权进行此操作" in response.content.decode()
    p.refresh_from_db()
    assert p.status == ProposalStatus.OPEN


def test_the_screening_page_costs_the_same_for_many_proposals(
    d: Deliberation, client: Client, django_assert_max_num_queries: Any
) -> None:
    for _ in range(6):
        proposal(d)
    secretary = as_(d, client, "secretary_a1")

    # session, user, the memberships for the rules, the count and the page of proposals, the
    # community's open cases and open proposals (once for all cards, not per card), the
    # memberships for the navigation and the person's posts.
    with django_assert_max_num_queries(9):
        response = secretary.get("/deliberation/proposals/")

    assert response.content.decode().count('data-action="merge"') == 6
