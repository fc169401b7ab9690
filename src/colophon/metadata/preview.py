"""The preview of a fetched payload: the dry-run plan as per-field statuses (metadata §8.2)."""

from __future__ import annotations

import uuid

from colophon.metadata.fetch_schemas import (
    PreviewField,
    PreviewResponse,
    PreviewStatus,
    PreviewSummary,
)
from colophon.metadata.payloads import NormalisedPayload
from colophon.metadata.plan import (
    COVER_LOCKED_NOTE,
    LOCKED,
    NO_PERMISSION,
    ApplyPlan,
    FieldDecision,
    FieldStatus,
)

VALUE_UNCHANGED = "Value unchanged"
NOT_PROVIDED = "Not provided by plugin"
FOLLOWS_TITLE = "Follows title"


def _skipped_status(reason: str | None) -> PreviewStatus:
    if reason == LOCKED:
        return "locked"
    if reason == NO_PERMISSION:
        return "no_permission"
    return "invalid"


def _status(decision: FieldDecision, plan: ApplyPlan) -> tuple[PreviewStatus, str | None]:
    if decision.status is FieldStatus.APPLIED:
        note = COVER_LOCKED_NOTE if decision.field == "coverUrl" and plan.cover_locked else None
        return "will_apply", note
    if decision.status is FieldStatus.UNCHANGED:
        return "unchanged", VALUE_UNCHANGED
    if decision.status is FieldStatus.SKIPPED:
        return _skipped_status(decision.reason), decision.reason
    return "not_provided", NOT_PROVIDED


def _entry(decision: FieldDecision, plan: ApplyPlan) -> PreviewField:
    status, reason = _status(decision, plan)
    if decision.status is FieldStatus.FOLLOWS_TITLE:
        # titleSort was not evaluated: it shares title's outcome (§8.2), or is not provided
        # when title is outside the filter.
        title = plan.decision("title")
        if title is not None:
            status, reason = _status(title, plan)[0], FOLLOWS_TITLE
    shows_proposal = status in ("will_apply", "unchanged", "locked", "no_permission")
    return PreviewField(
        field=decision.field,
        status=status,
        current_value=decision.current,
        proposed_value=decision.proposed if shows_proposal else None,
        reason=reason,
    )


def preview_response(
    plugin_id: uuid.UUID, payload: NormalisedPayload, plan: ApplyPlan
) -> PreviewResponse:
    """One entry per filtered catalog field, in catalog order, and the counts by status."""
    fields = [_entry(decision, plan) for decision in plan.decisions]
    summary = PreviewSummary()
    for entry in fields:
        setattr(summary, entry.status, getattr(summary, entry.status) + 1)
    return PreviewResponse(
        plugin_id=plugin_id,
        external_id=payload.external_id,
        external_url=payload.external_url,
        fields=fields,
        summary=summary,
    )
