"""集 collect: proposals, supports, screening into a case, and the case's own collect-step
changes (adding proposals, linking work orders, withdrawing)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from gongzhi.accounts.models import Person
from gongzhi.deliberation import rules
from gongzhi.deliberation.errors import (
    AlreadySupported,
    InvalidInput,
    NotPermitted,
)
from gongzhi.deliberation.models import (
    Case,
    CaseEventKind,
    Origin,
    Place,
    Proposal,
    ProposalStatus,
    ProposalSupport,
    Step,
)
from gongzhi.deliberation.services.guard import begin, move, now_or, record, send
from gongzhi.deliberation.transitions import Action, check, check_proposal_open
from gongzhi.workorders.models import WorkOrder


def _clean(text: str, field: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(message, field=field)
    return text


def _lock_proposal(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update(of=("self",)).get(pk=proposal.pk)


@transaction.atomic
def proposal_submit(
    *,
    by: Person,
    place: Place,
    title: str,
    body: str,
    origin: str = Origin.RESIDENT,
    work_orders: Iterable[WorkOrder] = (),
    hotspot_category: str = "",
    at: dt.datetime | None = None,
) -> Proposal:
    """Put a topic forward (金点子). A resident proposes for their own place; staff of the place
    propose from a hotspot, a cluster of work orders, a walking round or their own work. The
    linked work orders must lie in the place's community."""
    if origin not in Origin.values:
        raise InvalidInput(_("来源不正确"), field="origin")
    title = _clean(title, "title", _("请填写议题标题"))
    body = _clean(body, "body", _("请填写议题内容"))
    grant = rules.propose_grant(by, origin, place)
    if grant is None:
        raise NotPermitted(_("只能为本人居住的小区或社区提出议题"), action="propose")
    orders = list(work_orders)
    if any(o.community_id != place.community_id for o in orders):
        raise InvalidInput(_("关联工单须属于本社区"), field="work_orders")
    now = now_or(at)
    proposal = Proposal(
        title=title[:120],
        body=body,
        origin=origin,
        author=by,
        submitted_at=now,
        hotspot_category=hotspot_category,
    )
    proposal.set_place(place)
    proposal.save()
    if orders:
        proposal.work_orders.add(*orders)
    return proposal


@transaction.atomic
def proposal_support(*, proposal: Proposal, by: Person, at: dt.datetime | None = None) -> Proposal:
    """A resident of the proposal's place supports it (附议), once. Locks the proposal."""
    proposal = _lock_proposal(proposal)
    check_proposal_open(proposal.status, "support")
    if not rules.is_resident_of(by, proposal.place):
        raise NotPermitted(_("只有本小区或本社区的居民可以附议"), action="support")
    if ProposalSupport.objects.filter(proposal=proposal, person=by).exists():
        raise AlreadySupported()
    try:
        with transaction.atomic():
            ProposalSupport.objects.create(proposal=proposal, person=by, at=now_or(at))
    except IntegrityError as exc:  # a concurrent second click
        raise AlreadySupported() from exc
    Proposal.objects.filter(pk=proposal.pk).update(support_count=F("support_count") + 1)
    proposal.refresh_from_db(fields=["support_count"])
    return proposal


def _followers(proposal: Proposal) -> list[Person]:
    """The author and the supporters of a proposal (for notifications)."""
    people = [proposal.author]
    people += [s.person for s in proposal.supports.select_related("person")]
    return people


def _next_number(case: Case) -> str:
    return f"YS{case.opened_at.year}{case.pk:06d}"


@transaction.atomic
def proposal_accept(
    *,
    proposal: Proposal,
    by: Person,
    title: str = "",
    into: Case | None = None,
    at: dt.datetime | None = None,
) -> Case:
    """Screen a proposal in: open a new case for it (in collect), or add it to an existing
    open case of the same community (`into`). Its work orders follow it into the case. The
    author and supporters are told after commit."""
    proposal = _lock_proposal(proposal)
    check_proposal_open(proposal.status, "accept")
    now = now_or(at)
    if into is not None:
        case, _grant, _target = begin(into, Action.ADD_PROPOSAL, by)
        if case.community_id != proposal.community_id:
            raise InvalidInput(_("只能并入本社区的议事案"), field="into")
        record(
            case,
            CaseEventKind.PROPOSAL_ADDED,
            at=now,
            by=by,
            data={"proposal": proposal.pk, "title": proposal.title},
        )
    else:
        if rules.case_grant(by, Action.OPEN, proposal.place) is None:
            raise NotPermitted(action="accept")
        case = Case(
            # A unique placeholder until the id is known (the number is made from it).
            number=f"~{uuid.uuid4().hex[:18]}",
            title=(title or proposal.title).strip()[:120],
            summary=proposal.body,
            opened_at=now,
            step_changed_at=now,
            step=check(Case(step=""), Action.OPEN),
            opened_by=by,
        )
        case.set_place(proposal.place)
        case.save()
        case.number = _next_number(case)
        case.save(update_fields=["number"])
        record(
            case,
            CaseEventKind.OPENED,
            at=now,
            by=by,
            from_step="",
            to_step=Step.COLLECT,
            data={"proposal": proposal.pk, "origin": proposal.origin},
        )
    orders = list(proposal.work_orders.all())
    if orders:
        case.work_orders.add(*orders)
    proposal.status = ProposalStatus.ACCEPTED
    proposal.case = case
    proposal.screened_by = by
    proposal.screened_at = now
    proposal.save(update_fields=["status", "case", "screened_by", "screened_at"])
    send("dl_proposal_accepted", recipients=_followers(proposal), case=case, title=proposal.title)
    return case


@transaction.atomic
def proposal_merge(
    *, proposal: Proposal, into: Proposal, by: Person, at: dt.datetime | None = None
) -> Proposal:
    """Merge a proposal into another open one of the same community: its supporters become
    the other's (unless they already support it), its work orders follow. Locks both rows in
    id order."""
    if proposal.pk == into.pk:
        raise InvalidInput(_("不能合并到自身"), field="into")
    locked = {
        p.pk: p
        for p in Proposal.objects.select_for_update(of=("self",))
        .filter(pk__in=[proposal.pk, into.pk])
        .order_by("pk")
    }
    proposal, target = locked[proposal.pk], locked[into.pk]
    check_proposal_open(proposal.status, "merge")
    check_proposal_open(target.status, "merge_into")
    if target.community_id != proposal.community_id:
        raise InvalidInput(_("只能合并到本社区的议题"), field="into")
    if rules.case_grant(by, Action.OPEN, proposal.place) is None:
        raise NotPermitted(action="merge")
    now = now_or(at)
    followers = _followers(proposal)
    already = set(target.supports.values_list("person_id", flat=True)) | {target.author_id}
    moved = [
        ProposalSupport(proposal=target, person_id=s.person_id, at=s.at)
        for s in proposal.supports.all()
        if s.person_id not in already
    ]
    if proposal.author_id not in already and all(m.person_id != proposal.author_id for m in moved):
        moved.append(ProposalSupport(proposal=target, person_id=proposal.author_id, at=now))
    ProposalSupport.objects.bulk_create(moved)
    target.support_count = target.supports.count()
    target.save(update_fields=["support_count"])
    target.work_orders.add(*proposal.work_orders.all())
    proposal.status = ProposalStatus.MERGED
    proposal.merged_into = target
    proposal.screened_by = by
    proposal.screened_at = now
    proposal.save(update_fields=["status", "merged_into", "screened_by", "screened_at"])
    send("dl_proposal_merged", recipients=followers, title=proposal.title, into=target.title)
    return proposal


@transaction.atomic
def proposal_decline(
    *, proposal: Proposal, by: Person, reason: str, at: dt.datetime | None = None
) -> Proposal:
    """Decline a proposal with a public reason. The author and supporters are told."""
    proposal = _lock_proposal(proposal)
    check_proposal_open(proposal.status, "decline")
    reason = _clean(reason, "reason", _("请填写公开的未采纳理由"))
    if rules.case_grant(by, Action.OPEN, proposal.place) is None:
        raise NotPermitted(action="decline")
    proposal.status = ProposalStatus.DECLINED
    proposal.decline_reason = reason
    proposal.screened_by = by
    proposal.screened_at = now_or(at)
    proposal.save(update_fields=["status", "decline_reason", "screened_by", "screened_at"])
    send(
        "dl_proposal_declined",
        recipients=_followers(proposal),
        title=proposal.title,
        reason=reason,
    )
    return proposal


@transaction.atomic
def case_link_orders(
    *, case: Case, orders: Iterable[WorkOrder], by: Person, at: dt.datetime | None = None
) -> Case:
    """Link work orders of the case's community to the case (evidence for deliberation)."""
    case, _grant, _target = begin(case, Action.LINK_ORDERS, by)
    orders = list(orders)
    if any(o.community_id != case.community_id for o in orders):
        raise InvalidInput(_("关联工单须属于本社区"), field="orders")
    case.work_orders.add(*orders)
    record(
        case,
        CaseEventKind.PROPOSAL_ADDED,
        at=now_or(at),
        by=by,
        note=_("关联工单"),
        data={"orders": [o.number for o in orders]},
    )
    return case


@transaction.atomic
def case_withdraw(*, case: Case, by: Person, reason: str, at: dt.datetime | None = None) -> Case:
    """End a case that will not go on (the motion failed, the topic was dropped), with a
    public reason."""
    case, _grant, target = begin(case, Action.WITHDRAW, by)
    reason = _clean(reason, "reason", _("请填写理由"))
    now = now_or(at)
    case.closed_at = now
    from_step = move(case, target, at=now)
    record(
        case,
        CaseEventKind.WITHDRAWN,
        at=now,
        by=by,
        from_step=from_step,
        to_step=target,
        note=reason,
    )
    return case
