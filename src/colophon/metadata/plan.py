"""The applier's plan: every gate of metadata §4.2 to §4.4 evaluated without writing anything.

A real apply plans twice (before the cover download and again inside the transaction) and a
dry run plans once; both go through `plan_apply`, so a preview cannot drift from a run.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from colophon.metadata.catalog import Catalog, Comparison, FieldSpec
from colophon.metadata.payloads import NormalisedPayload
from colophon.metadata.permissions import PluginPermissions, can_write
from colophon.metadata.projections import (
    current_projection,
    projection_sources,
    projections_equal,
    proposed_projection,
)
from colophon.metadata.state import EntityState
from colophon.metadata.values import FieldValue
from colophon.wire import JsonObject, JsonValue

LOCKED = "Field is locked"
NO_PERMISSION = "Plugin does not have permission"
COVER_LOCKED_NOTE = "Cover is locked; it will be stored but not selected"


def invalid_reason(detail: str) -> str:
    """The presence gate's skip reason for a provided but invalid value."""
    return f"Invalid value: {detail}"


def cover_failed_reason(detail: str) -> str:
    """The soft skip of a cover that could not be downloaded or decoded (metadata §4.7)."""
    return f"Cover download failed: {detail}"


class FieldStatus(StrEnum):
    """Where a field ended up; the first three are reported in ApplyResult."""

    APPLIED = "applied"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    NOT_PROVIDED = "not_provided"
    FOLLOWS_TITLE = "follows_title"  # titleSort when title never reached the unchanged gate


@dataclass(frozen=True, slots=True)
class FieldDecision:
    """One field's outcome with both projections; `value` is what an applied field writes."""

    field: str
    status: FieldStatus
    reason: str | None
    current: JsonValue
    proposed: JsonValue
    value: FieldValue | None = None


@dataclass(frozen=True, slots=True)
class SkippedField:
    """A field the applier did not write, with its §4.10 reason."""

    field: str
    reason: str


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One applied field's projections; `before` may be None but is always present."""

    field: str
    before: JsonValue
    after: JsonValue


@dataclass(frozen=True, slots=True)
class ApplyResult:
    """The applier's answer (metadata §4.1); every list is in catalog order."""

    applied: tuple[str, ...]
    unchanged: tuple[str, ...]
    skipped: tuple[SkippedField, ...]
    changes: tuple[FieldChange, ...]
    # Not on the wire: the caller drops thumbnails and emits cover.updated when True (§4.7).
    cover_selection_changed: bool = False

    def to_json(self) -> JsonObject:
        """`{applied, unchanged, skipped: [{field, reason}], changes: [{field, before, after}]}`."""
        return {
            "applied": list(self.applied),
            "unchanged": list(self.unchanged),
            "skipped": [{"field": s.field, "reason": s.reason} for s in self.skipped],
            "changes": [
                {"field": c.field, "before": c.before, "after": c.after} for c in self.changes
            ],
        }


@dataclass(frozen=True, slots=True)
class ApplyPlan:
    """The decisions for every filtered catalog field, in catalog order."""

    decisions: tuple[FieldDecision, ...]
    cover_locked: bool

    def decision(self, key: str) -> FieldDecision | None:
        """The decision for `key`, or None when the filter left it out."""
        return next((d for d in self.decisions if d.field == key), None)

    @property
    def applied(self) -> tuple[FieldDecision, ...]:
        """The decisions that write."""
        return tuple(d for d in self.decisions if d.status is FieldStatus.APPLIED)

    def with_skip(self, key: str, reason: str) -> ApplyPlan:
        """The same plan with `key` moved to skipped (a cover that failed to download)."""
        decisions = tuple(
            replace(d, status=FieldStatus.SKIPPED, reason=reason, value=None)
            if d.field == key
            else d
            for d in self.decisions
        )
        return replace(self, decisions=decisions)

    def result(self, *, cover_selection_changed: bool = False) -> ApplyResult:
        """The plan as the applier reports it."""
        by_status = {
            status: [d for d in self.decisions if d.status is status] for status in FieldStatus
        }
        return ApplyResult(
            applied=tuple(d.field for d in by_status[FieldStatus.APPLIED]),
            unchanged=tuple(d.field for d in by_status[FieldStatus.UNCHANGED]),
            skipped=tuple(
                SkippedField(d.field, d.reason or "") for d in by_status[FieldStatus.SKIPPED]
            ),
            changes=tuple(
                FieldChange(d.field, d.current, d.proposed) for d in by_status[FieldStatus.APPLIED]
            ),
            cover_selection_changed=cover_selection_changed,
        )


def plan_apply(
    catalog: Catalog,
    state: EntityState,
    payload: NormalisedPayload,
    permissions: PluginPermissions,
    *,
    fields: frozenset[str] | None,
) -> ApplyPlan:
    """Evaluate filter → presence → lock → permission → unchanged for each field (§4.2).

    Raise ValueError for a field outside the catalog: filters are validated at the API edge.
    """
    if fields is not None:
        catalog.in_order(fields)
    decisions: list[FieldDecision] = []
    for spec in catalog.fields:
        if fields is not None and spec.key not in fields:
            continue
        if spec.key == "titleSort":
            decisions.append(_decide_title_sort(spec, state, payload, decisions))
        else:
            decisions.append(_decide(spec, state, payload, permissions))
    return ApplyPlan(tuple(decisions), cover_locked=state.is_locked("cover_lock"))


def _decide(
    spec: FieldSpec, state: EntityState, payload: NormalisedPayload, permissions: PluginPermissions
) -> FieldDecision:
    value = payload.values.get(spec.key)
    sources: list[str] = []
    if spec.comparison is Comparison.BY_SOURCE and value is not None:
        sources = projection_sources(proposed_projection(spec, value, state))
    current = current_projection(spec, state, sources=sources)
    if spec.key in payload.invalid:
        reason = invalid_reason(payload.invalid[spec.key])
        return FieldDecision(spec.key, FieldStatus.SKIPPED, reason, current, None)
    if value is None:
        return FieldDecision(spec.key, FieldStatus.NOT_PROVIDED, None, current, None)
    proposed = proposed_projection(spec, value, state)
    if spec.is_lock_gated and state.is_locked(spec.lock_column):
        return FieldDecision(spec.key, FieldStatus.SKIPPED, LOCKED, current, proposed)
    if not can_write(permissions, spec):
        return FieldDecision(spec.key, FieldStatus.SKIPPED, NO_PERMISSION, current, proposed)
    if _is_unchanged(spec, state, current, proposed):
        return FieldDecision(spec.key, FieldStatus.UNCHANGED, None, current, proposed)
    return FieldDecision(spec.key, FieldStatus.APPLIED, None, current, proposed, value)


def _is_unchanged(
    spec: FieldSpec, state: EntityState, current: JsonValue, proposed: JsonValue
) -> bool:
    if spec.comparison is Comparison.COVER:
        # Any earlier cover of this plugin from the same URL counts, not only the newest.
        return proposed in state.plugin_cover_urls
    return projections_equal(spec, current, proposed)


def _decide_title_sort(
    spec: FieldSpec, state: EntityState, payload: NormalisedPayload, earlier: list[FieldDecision]
) -> FieldDecision:
    # titleSort is evaluated only when title reached the unchanged gate (§4.4); its
    # permission is title's, which that already proves.
    current = current_projection(spec, state)
    title = next((d for d in earlier if d.field == "title"), None)
    if title is None or title.status not in (FieldStatus.APPLIED, FieldStatus.UNCHANGED):
        return FieldDecision(spec.key, FieldStatus.FOLLOWS_TITLE, None, current, None)
    proposed = payload.values["title"]
    if state.is_locked(spec.lock_column):
        return FieldDecision(spec.key, FieldStatus.SKIPPED, LOCKED, current, proposed)
    if projections_equal(spec, current, proposed):
        return FieldDecision(spec.key, FieldStatus.UNCHANGED, None, current, proposed)
    return FieldDecision(spec.key, FieldStatus.APPLIED, None, current, proposed, proposed)
