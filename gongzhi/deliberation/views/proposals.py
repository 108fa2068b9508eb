"""集 collect: a resident proposes a topic (金点子) for their compound or community and supports
the proposals of their place; staff of the place screen them (accept into a case, merge,
decline with a public reason)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.accounts.models import Membership, Person, Role
from gongzhi.accounts.selectors import person_scope
from gongzhi.deliberation import rules, selectors, services
from gongzhi.deliberation.errors import DeliberationError, NotFound
from gongzhi.deliberation.forms.proposals import AcceptForm, DeclineForm, MergeForm, ProposeForm
from gongzhi.deliberation.models import Case, Place, Proposal, ProposalStatus, place_of
from gongzhi.deliberation.transitions import TABLE, Action
from gongzhi.deliberation.views.edge import (
    error_status,
    error_text,
    form_errors_text,
    is_htmx,
    person_of,
    see_other,
)

PAGE_SIZE = 20
SCREEN_ACTIONS = ("accept", "merge", "decline")


def home_places(person: Person) -> list[tuple[str, str, Place]]:
    """The places a resident may propose for: each home compound, then its community."""
    places: list[tuple[str, str, Place]] = []
    seen: set[str] = set()
    memberships = Membership.objects.filter(
        person=person, role=Role.RESIDENT, is_active=True
    ).select_related("compound__community", "community")
    for m in memberships:
        if m.compound is not None and f"compound:{m.compound_id}" not in seen:
            seen.add(f"compound:{m.compound_id}")
            places.append(
                (
                    f"compound:{m.compound_id}",
                    _("本小区：%(name)s") % {"name": m.compound.name},
                    place_of(compound=m.compound),
                )
            )
        community = m.community or (m.compound.community if m.compound else None)
        if community is not None and f"community:{community.pk}" not in seen:
            seen.add(f"community:{community.pk}")
            places.append(
                (
                    f"community:{community.pk}",
                    _("本社区：%(name)s") % {"name": community.name},
                    place_of(community=community),
                )
            )
    return places


def _home_community_id(person: Person) -> int | None:
    """The community a person's lists open on: their home's, or the one they work for."""
    for m in rules.memberships_of(person):
        for community_id in (m.compound_community_id, m.community_id, m.unit_community_id):
            if community_id:
                return community_id
    return None


def _home_subdistrict_id(person: Person) -> int | None:
    for m in rules.memberships_of(person):
        if m.role == Role.SUBDISTRICT_STAFF and m.unit_subdistrict_id:
            return m.unit_subdistrict_id
    return None


class ScreenChoices:
    """The open cases and open proposals of a community, read once per community on a page
    (the screening forms of every card pick among them)."""

    def __init__(self, person: Person) -> None:
        self.person = person
        self._cases: dict[int, list[Case]] = {}
        self._proposals: dict[int, list[Proposal]] = {}

    def cases(self, community_id: int) -> list[Case]:
        if community_id not in self._cases:
            self._cases[community_id] = list(
                selectors.visible_cases(self.person, community_id=community_id).filter(
                    step__in=TABLE[Action.ADD_PROPOSAL].sources
                )
            )
        return self._cases[community_id]

    def proposals(self, community_id: int, but: Proposal) -> list[Proposal]:
        if community_id not in self._proposals:
            self._proposals[community_id] = list(
                selectors.visible_proposals(
                    self.person, status=ProposalStatus.OPEN, community_id=community_id
                )
            )
        return [p for p in self._proposals[community_id] if p.pk != but.pk]


def card_context(
    person: Person,
    proposal: Proposal,
    choices: ScreenChoices,
    *,
    bound: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """What one proposal card shows, and the actions the person may take on it."""
    bound = bound or {}
    can_support = rules.can_support(person, proposal)
    entry: dict[str, Any] = {
        "proposal": proposal,
        "can_support": can_support,
        "supported": (
            not can_support
            and proposal.status == ProposalStatus.OPEN
            and rules.is_resident_of(person, proposal.place)
        ),
        "screen": None,
        **extra,
    }
    if rules.can_screen(person, proposal):
        prefix = f"p{proposal.pk}"
        entry["screen"] = {
            "accept": bound.get("accept")
            or AcceptForm(
                prefix=f"{prefix}-accept",
                cases=choices.cases(proposal.community_id),
                initial={"title": proposal.title},
            ),
            "merge": bound.get("merge")
            or MergeForm(
                prefix=f"{prefix}-merge",
                proposals=choices.proposals(proposal.community_id, proposal),
            ),
            "decline": bound.get("decline") or DeclineForm(prefix=f"{prefix}-decline"),
            "open": next(iter(bound), ""),
        }
    return entry


def _proposal(request: HttpRequest, pk: int) -> Proposal:
    try:
        return selectors.proposal_get(person_of(request), pk)
    except NotFound as exc:
        raise Http404 from exc


@login_required
@require_GET
def proposal_list(request: HttpRequest) -> HttpResponse:
    """Open proposals of a place (the person's own by default), newest first; ?status= for the
    screened ones."""
    person = person_of(request)
    status = request.GET.get("status", ProposalStatus.OPEN)
    if status not in ProposalStatus.values:
        status = ProposalStatus.OPEN
    community_id: int | None = None
    subdistrict_id: int | None = None
    if request.GET.get("all") != "1":
        community_id = _home_community_id(person)
        subdistrict_id = None if community_id else _home_subdistrict_id(person)
    proposals = selectors.visible_proposals(
        person, status=status, community_id=community_id, subdistrict_id=subdistrict_id
    ).select_related("merged_into")
    page = Paginator(proposals, PAGE_SIZE).get_page(request.GET.get("page"))
    choices = ScreenChoices(person)
    cards = [card_context(person, p, choices) for p in page.object_list]
    context = {
        "cards": cards,
        "page": page,
        "status": status,
        "statuses": ProposalStatus.choices,
        "scoped": community_id is not None or subdistrict_id is not None,
        # Same memberships query as the navigation's (cached on the person).
        "may_propose": Role.RESIDENT in person_scope(person).roles,
        "show_all": request.GET.get("all") == "1",
        "query": f"status={status}" + ("&all=1" if request.GET.get("all") == "1" else ""),
    }
    return render(request, "deliberation/proposals.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    places = home_places(person)
    form = ProposeForm(request.POST or None, places=places)
    error = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.proposal_submit(
                    by=person,
                    place=form.cleaned_data["place"],
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                )
            except DeliberationError as exc:
                error, status = error_text(exc), error_status(exc)
            else:
                messages.success(
                    request, _("您的金点子已提交。同一小区或社区的居民可以附议，社区将尽快审核。")
                )
                return see_other(request, reverse("deliberation:proposals"))
        else:
            status = 400
    return render(
        request,
        "deliberation/propose.html",
        {"form": form, "places": places, "error": error},
        status=status,
    )


def _card_response(
    request: HttpRequest, proposal: Proposal, status: int = 200, **extra: Any
) -> HttpResponse:
    person = person_of(request)
    proposal = selectors.proposal_get(person, proposal.pk)
    context = {"card": card_context(person, proposal, ScreenChoices(person), **extra)}
    return render(request, "deliberation/_proposal_card.html", context, status=status)


@login_required
@require_POST
def proposal_support(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    try:
        services.proposal_support(proposal=proposal, by=person_of(request))
    except DeliberationError as exc:
        if not is_htmx(request):
            messages.error(request, error_text(exc))
            return see_other(request, reverse("deliberation:proposals"))
        return _card_response(request, proposal, error_status(exc), error=error_text(exc))
    if not is_htmx(request):
        return see_other(request, reverse("deliberation:proposals"))
    return _card_response(request, proposal, done=_("已附议"))


@login_required
@require_POST
def proposal_screen(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Accept (into a new case or an open one), merge or decline, as the place's staff."""
    if action not in SCREEN_ACTIONS:
        raise Http404
    person = person_of(request)
    proposal = _proposal(request, pk)
    choices = ScreenChoices(person)
    prefix = f"p{proposal.pk}-{action}"
    form: Any
    if action == "accept":
        form = AcceptForm(request.POST, prefix=prefix, cases=choices.cases(proposal.community_id))
    elif action == "merge":
        form = MergeForm(
            request.POST,
            prefix=prefix,
            proposals=choices.proposals(proposal.community_id, proposal),
        )
    else:
        form = DeclineForm(request.POST, prefix=prefix)
    if not form.is_valid():
        context = {
            "card": card_context(
                person, proposal, choices, bound={action: form}, error=form_errors_text(form)
            )
        }
        return render(request, "deliberation/_proposal_card.html", context, status=400)
    try:
        if action == "accept":
            case = services.proposal_accept(
                proposal=proposal,
                by=person,
                title=form.cleaned_data["title"],
                into=form.cleaned_data["into"],
            )
        elif action == "merge":
            services.proposal_merge(proposal=proposal, into=form.cleaned_data["into"], by=person)
        else:
            services.proposal_decline(
                proposal=proposal, by=person, reason=form.cleaned_data["reason"]
            )
    except DeliberationError as exc:
        context = {
            "card": card_context(
                person, proposal, choices, bound={action: form}, error=error_text(exc)
            )
        }
        return render(
            request, "deliberation/_proposal_card.html", context, status=error_status(exc)
        )
    if action == "accept":
        messages.success(request, _("已立案：%(number)s") % {"number": case.number})
        return see_other(request, reverse("deliberation:case", args=[case.number]))
    done = _("已合并") if action == "merge" else _("已不予采纳，理由已公开")
    if not is_htmx(request):
        return see_other(request, reverse("deliberation:proposals"))
    return _card_response(request, proposal, done=done)
