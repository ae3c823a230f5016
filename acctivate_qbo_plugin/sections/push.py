"""Pushing host records to QBO: the shared loop of the host -> QBO sections.

For each host record changed since the section's sync time (plus records on the retry list,
records edited or deleted in QBO, and creates a crash may have interrupted):

1. build its QBO payload; a record that cannot go (missing reference, closed period, out of
   balance...) is a record error, found before any API call;
2. fingerprint the payload: the same fingerprint as last sent costs nothing;
3. creates go in batches of 30. Each is first written to the mapping as *pending* with its
   natural key (document number or name), so if the process dies between QBO's write and
   ours, the next run finds the record in QBO instead of creating it twice; the requestid
   is derived from (realm, section, record, payload) so a resend replays;
4. updates go as sparse updates with the SyncToken we know; a stale token (5010) re-reads the
   record and retries once; a record deleted in QBO is created again;
5. the mapping is written once per chunk, in one transaction.

Records are sent in units of at most 5,000 (read 600 at a time), so memory does not grow
with the backlog; rows already in QBO as they are are not read at all (see unsettled.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar

from acctivate_qbo_plugin.crashpoints import crash_point
from acctivate_qbo_plugin.hostdata import HostRecord
from acctivate_qbo_plugin.qbo import (
    BatchItem,
    DuplicateDocNumber,
    DuplicateName,
    InvalidReference,
    MalformedResponse,
    QboError,
    StaleObject,
    Throttled,
    TransientError,
    request_id,
    select,
)
from acctivate_qbo_plugin.sections.base import Direction, Section
from acctivate_qbo_plugin.sections.context import SectionContext
from acctivate_qbo_plugin.sections.qbo_changes import fetch_changes
from acctivate_qbo_plugin.sections.support import (
    MissingReference,
    RecordProblem,
    References,
    fingerprint,
    parse_qbo_time,
)
from acctivate_qbo_plugin.sections.unsettled import unsettled_stamps
from acctivate_qbo_plugin.state.mapping import Link

__all__ = ["PushSection"]

CHUNK = 600  # a multiple of 30: every batch but the last is full
STAMP_PAGE = 5000  # change times are tiny: read many at once
MAX_DEFER_ROUNDS = 5


@dataclass
class Outgoing:
    record: Any
    link: Link | None
    payload: dict[str, Any]
    fingerprint: str
    qbo_edit: dict[str, Any] | None = None  # the QBO version, when it was edited there
    replaces: str | None = None  # the QBO Id of a deleted record this create stands in for


class PushSection(Section):
    """A host -> QBO section: declare the kind and entity, build payloads; the loop is here."""

    direction = Direction.PUSH
    kind: ClassVar[str]
    qbo_entity: ClassVar[str]
    natural_key_field: ClassVar[str | None] = "DocNumber"
    owned: ClassVar[bool] = True
    """The host owns these records: an edit made in QBO is reported and overwritten."""
    dated: ClassVar[bool] = False
    """Transactions: refused before sending when dated on or before QBO's closing date."""
    refers_to_own_kind: ClassVar[bool] = False
    """Records of this kind refer to each other (a job to its parent customer), so each one
    created is remembered for the rest of the run; invoices are referred to by nobody, and
    remembering 50,000 of them would only cost memory."""

    # -- what a section declares ---------------------------------------------------------

    def build(self, record: Any, refs: References, ctx: SectionContext) -> dict[str, Any]:
        raise NotImplementedError

    def natural_key(self, record: Any) -> str | None:
        return getattr(record, "number", None)

    def record_date(self, record: Any) -> date | None:
        return getattr(record, "date", None) if self.dated else None

    def skip_reason(self, record: Any) -> str | None:
        """Why a record has nothing to send (e.g. a transfer nets to zero), or None."""
        return None

    def after_write(self, ctx: SectionContext, record: Any, entity: dict[str, Any]) -> None:
        """Check QBO's answer (e.g. a total QBO computed differently) and warn."""

    def describe_qbo_edit(
        self, record: Any, payload: dict[str, Any], entity: dict[str, Any]
    ) -> list[str]:
        """What an edit made in QBO changed that matters ("the amount from 100.00 to 120.00");
        empty when nothing the host owns differs."""
        return []

    def update_fields(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The fields an update sends (sparse); by default the whole payload."""
        return payload

    # -- the loop ------------------------------------------------------------------------

    def sync(self, ctx: SectionContext) -> None:
        _PushRun(self, ctx).run()


class _PushRun:
    def __init__(self, section: PushSection, ctx: SectionContext) -> None:
        self.section = section
        self.ctx = ctx
        self.services = ctx.services
        self.qbo = ctx.services.qbo
        self.mapping = ctx.services.mapping
        self.refs = References(self.mapping, ctx.services.host.describe)
        self.edited: dict[
            str, dict[str, Any] | None
        ] = {}  # host key -> QBO version (None: deleted)
        self.done = 0
        self.close_date: date | None = None
        self.links_seen: dict[str, str | None] = {}  # host key -> QBO Id, for the sync log
        self.edit_failures = 0  # records edited in QBO that could not be set back
        self.listed = 0  # rows of the window listed as not yet in QBO as they are
        self.reviewed_all = True  # False when the page cap ended the review early

    # -- driving -------------------------------------------------------------------------

    def run(self) -> None:
        section, ctx = self.section, self.ctx
        # A two-way section pulls first: its errors are about QBO records, whose window
        # must then be read again.
        qbo_side_failed = bool(ctx.errors)
        if section.dated:
            self.close_date = self.services.book_close_date()
        self._find_qbo_edits()
        extra_keys = [r.record for r in ctx.retry]
        extra_keys += list(self.edited)
        extra_keys += [link.host_key for link in self.mapping.pending(section.kind)]
        extra = list(self.services.host.get(section.kind, dict.fromkeys(extra_keys)).values())
        seen = {r.key for r in extra}
        changed = self.services.host.count_changed(section.kind, ctx.since.sync_time)
        total = changed + len(extra)
        ctx.progress(0, total)
        max_pages = 2 * (changed // STAMP_PAGE + 1) + 1
        for chunk, links in self._chunks(extra, seen, max_pages=max_pages):
            self._process(chunk, links)
            ctx.progress(min(self.done, total), total)
        if self.reviewed_all:
            # The rows of the window not listed are the ones already in QBO as they are.
            unchanged = max(0, changed - self.listed)
            ctx.count("unchanged", unchanged)
            self.done += unchanged
        ctx.progress(self.done, max(total, self.done))
        if not qbo_side_failed and not self.edit_failures:
            ctx.qbo_side_done()

    def _chunks(
        self, extra: list[HostRecord], seen: set[str], *, max_pages: int
    ) -> Iterator[tuple[list[HostRecord], dict[str, Link]]]:
        kind, host = self.section.kind, self.services.host
        for start in range(0, len(extra), CHUNK):
            part = extra[start : start + CHUNK]
            yield part, self.mapping.links(kind, [r.key for r in part])
        # No upper bound: a record the host changed after the run began is reviewed now as
        # well (and again next run, at no cost). An invoice from before the run whose item the
        # host touched since (a sale updates its quantity) then finds the item pushed. The
        # page cap ends the review if the host keeps changing rows faster than we read them;
        # what is left is after the sync time, so the next run has it.
        pages = unsettled_stamps(
            host, self.mapping, kind, self.ctx.since.sync_time, page=STAMP_PAGE
        )
        for number, page in enumerate(pages, start=1):
            if number > max_pages:
                self.reviewed_all = False
                return
            self.listed += len(page)
            wanted = [key for key, _ in page if key not in seen]
            if not wanted:
                continue
            # Sent as one unit (more batches in flight at once, fewer pauses between units)
            # but read CHUNK keys at a time: an IN list stays within every database's limits.
            records: dict[str, HostRecord] = {}
            links: dict[str, Link] = {}
            for start in range(0, len(wanted), CHUNK):
                keys = wanted[start : start + CHUNK]
                records.update(host.get(kind, keys))
                links.update(self.mapping.links(kind, keys))
            yield [records[k] for k in wanted if k in records], links

    def _find_qbo_edits(self) -> None:
        """Records the host owns that someone changed or deleted in QBO since last time."""
        section, ctx = self.section, self.ctx
        if not section.owned or ctx.since.qbo_sync_time is None:
            # Nothing to compare with yet: start the QBO-side window at a time read now.
            _, time = self.services.preferences()
            if time is not None:
                ctx.saw_qbo_time(time)
            return
        changes = fetch_changes(ctx, [section.qbo_entity])
        rows = changes.rows(section.qbo_entity)
        stubs = changes.stubs(section.qbo_entity)
        links = self.mapping.by_qbo_ids(
            section.qbo_entity, [r.get("Id", "") for r in rows] + [s.id for s in stubs]
        )
        for entity in rows:
            link = links.get(entity.get("Id", ""))
            if link is not None and entity.get("SyncToken") != link.sync_token:
                self.edited[link.host_key] = entity
        for stub in stubs:
            link = links.get(stub.id)
            if link is not None:
                self.edited[link.host_key] = None

    # -- one chunk -----------------------------------------------------------------------

    def _process(self, records: list[HostRecord], links: dict[str, Link]) -> None:
        section, ctx = self.section, self.ctx
        self.done += len(records)
        self.links_seen = {k: link.qbo_id for k, link in links.items()}
        pending: list[Outgoing] = []
        creates: list[Outgoing] = []
        updates: list[Outgoing] = []
        saved: list[Link] = []
        deferred: list[HostRecord] = []
        for record in records:
            outgoing = self._prepare(record, links.get(record.key), deferred)
            if outgoing is None:
                continue
            link = outgoing.link
            if link is not None and link.pending:
                pending.append(outgoing)
            elif link is not None and link.failed:
                creates.append(outgoing)
            elif link is not None and link.qbo_id is not None:
                if record.key in self.edited and self.edited[record.key] is None:
                    self._deleted_in_qbo(outgoing)
                    creates.append(outgoing)
                elif outgoing.fingerprint == link.fingerprint and record.key not in self.edited:
                    ctx.count("unchanged")
                    ctx.passed(record.key)
                    settled_at = self._settled_at(record)
                    if link.host_changed_at != settled_at:
                        saved.append(link.with_(host_changed_at=settled_at))
                elif not self._edit_matters(outgoing, saved):
                    continue
                else:
                    updates.append(outgoing)
            else:
                creates.append(outgoing)
        self._adopt_pending(pending, creates, updates, saved)
        self._send_creates(creates, saved)
        self._send_updates(updates, saved)
        self.mapping.save(saved)
        for _ in range(MAX_DEFER_ROUNDS):  # e.g. a job whose parent was created just now
            if not deferred:
                break
            again, deferred = deferred, []
            links = self.mapping.links(section.kind, [r.key for r in again])
            creates, updates, saved = [], [], []
            for record in again:
                outgoing = self._prepare(record, links.get(record.key), deferred, final=True)
                if outgoing is not None:
                    target = updates if outgoing.link and outgoing.link.qbo_id else creates
                    target.append(outgoing)
            self._send_creates(creates, saved)
            self._send_updates(updates, saved)
            self.mapping.save(saved)

    def _prepare(
        self,
        record: HostRecord,
        link: Link | None,
        deferred: list[HostRecord],
        *,
        final: bool = False,
    ) -> Outgoing | None:
        section, ctx = self.section, self.ctx
        reason = section.skip_reason(record)
        if reason is not None:
            ctx.count("unchanged")
            ctx.passed(record.key)
            return None
        try:
            self._check_date(record)
            payload = section.build(record, self.refs, ctx)
        except MissingReference as missing:
            if missing.kind == section.kind and not final:
                deferred.append(record)  # the record it needs may be created in this chunk
                return None
            self._record_error(record, missing)
            return None
        except RecordProblem as problem:
            self._record_error(record, problem)
            return None
        return Outgoing(record, link, payload, fingerprint(payload), self.edited.get(record.key))

    def _check_date(self, record: HostRecord) -> None:
        when = self.section.record_date(record)
        if when is not None and self.close_date is not None and when <= self.close_date:
            raise RecordProblem(
                f"{record.label} is dated {when.isoformat()}, on or before QuickBooks' closing "
                f"date {self.close_date.isoformat()}; QuickBooks would refuse it (6210)",
                code="closed_period",
                fix_hint="Date it after the closing date, or move the closing date back in "
                "QuickBooks, sync, then restore the closing date and sync again.",
            )

    def _edit_matters(self, outgoing: Outgoing, saved: list[Link]) -> bool:
        """An owned record edited in QBO: warn and push ours back if the edit touched what
        the host owns; otherwise just remember QBO's new SyncToken."""
        entity = outgoing.qbo_edit
        link = outgoing.link
        assert link is not None
        if entity is None:
            return True  # edited on our side only
        changes = self.section.describe_qbo_edit(outgoing.record, outgoing.payload, entity)
        if not changes and outgoing.fingerprint == link.fingerprint:
            saved.append(
                link.with_(
                    sync_token=entity.get("SyncToken"),
                    host_changed_at=self._settled_at(outgoing.record),
                )
            )
            self.ctx.count("unchanged")
            self.ctx.passed(outgoing.record.key)
            return False
        if changes:
            self.ctx.warn(
                f"{outgoing.record.label} was changed in QuickBooks ({'; '.join(changes)}); "
                "the host's version was sent back",
                record=outgoing.record.label,
                qbo_id=link.qbo_id,
                fix_hint="Make the change in the host instead: the host owns this record.",
            )
        outgoing.link = link.with_(sync_token=entity.get("SyncToken"))
        return True

    def _deleted_in_qbo(self, outgoing: Outgoing) -> None:
        assert outgoing.link is not None
        self.ctx.warn(
            f"{outgoing.record.label} was deleted in QuickBooks; it was created again from the "
            "host",
            record=outgoing.record.label,
            qbo_id=outgoing.link.qbo_id,
            fix_hint="Delete or void it in the host instead: the host owns this record.",
        )
        outgoing.replaces = outgoing.link.qbo_id
        outgoing.link = None

    def _record_error(self, record: HostRecord, problem: RecordProblem | QboError) -> None:
        if record.key in self.edited:
            self.edit_failures += 1  # QBO keeps its edit: the QBO side must be read again
        if isinstance(problem, (TransientError, MalformedResponse, Throttled)):
            message = f"could not send {record.label} to QuickBooks: {problem.message}"
            if problem.detail and problem.detail not in problem.message:
                message += f" ({problem.detail})"
            code = problem.code or type(problem).__name__
        elif isinstance(problem, QboError):
            message = f"QuickBooks refused {record.label}: {problem.message}"
            if problem.detail and problem.detail not in problem.message:
                message += f" ({problem.detail})"
            code = problem.code
        else:
            message, code = problem.message, problem.code
        self.ctx.error(
            message,
            record=record.label,
            key=record.key,
            qbo_id=self.links_seen.get(record.key),
            code=code,
            fix_hint=problem.fix_hint or "Correct the record in the host, then sync.",
        )

    # -- pending creates (crash recovery) ------------------------------------------------

    def _adopt_pending(
        self,
        pending: list[Outgoing],
        creates: list[Outgoing],
        updates: list[Outgoing],
        saved: list[Link],
    ) -> None:
        """A create was decided but its answer never recorded: look for it in QBO first."""
        field_name = self.section.natural_key_field
        if not pending:
            return
        keys = {o.link.natural_key: o for o in pending if o.link and o.link.natural_key}
        found: dict[str, dict[str, Any]] = {}
        if field_name and keys:
            names = list(keys)
            for start in range(0, len(names), 100):
                page = self.qbo.query(
                    select(self.section.qbo_entity).where_in(field_name, names[start : start + 100])
                )
                for row in page.rows:
                    value = row.get(field_name)
                    if isinstance(value, str):
                        found[value] = row
        for outgoing in pending:
            assert outgoing.link is not None
            entity = found.get(outgoing.link.natural_key or "")
            if entity is None:
                creates.append(outgoing)  # it never reached QBO: create it (same requestid)
                continue
            link = self._link_for(outgoing, entity, fingerprint_=None)
            outgoing.link = link
            self._remember(outgoing, link)
            updates.append(outgoing)  # make sure QBO has exactly the host's current version

    # -- sending -------------------------------------------------------------------------

    def _create_request_id(self, outgoing: Outgoing) -> str:
        # Same record, same payload: same id, so a resend after a crash replays. A record
        # created again after a delete in QBO must not replay the first create.
        version = outgoing.fingerprint[:16]
        if outgoing.replaces:
            version += f":after:{outgoing.replaces}"
        if outgoing.link is not None and outgoing.link.attempts:
            version += f":try{outgoing.link.attempts}"
        return request_id(
            self.qbo.realm_id, self.section.name, outgoing.record.key, "create", version
        )

    def _send_creates(self, creates: list[Outgoing], saved: list[Link]) -> None:
        if not creates:
            return
        section = self.section
        self.mapping.save(
            Link(
                kind=section.kind,
                host_key=o.record.key,
                qbo_entity=section.qbo_entity,
                state="pending",
                natural_key=self._natural_key(o),
                attempts=o.link.attempts if o.link is not None else 0,
            )
            for o in creates
        )
        crash_point("push.pending_saved")
        items = [
            BatchItem.create(section.qbo_entity, o.payload, request_id=self._create_request_id(o))
            for o in creates
        ]
        results = self.qbo.batch(items)
        crash_point("push.results_received")
        for outgoing, result in zip(creates, results, strict=True):
            if result.ok and result.entity is not None:
                self._created(outgoing, result.entity, saved)
            else:
                assert result.error is not None
                self._create_failed(outgoing, result.error, saved)

    def _natural_key(self, outgoing: Outgoing) -> str | None:
        field_name = self.section.natural_key_field
        value = outgoing.payload.get(field_name) if field_name else None
        return value if isinstance(value, str) else None

    def _created(self, outgoing: Outgoing, entity: dict[str, Any], saved: list[Link]) -> None:
        link = self._link_for(outgoing, entity, fingerprint_=outgoing.fingerprint)
        saved.append(link)
        self._remember(outgoing, link)
        self.ctx.count("created")
        self.ctx.passed(outgoing.record.key)
        self.section.after_write(self.ctx, outgoing.record, entity)

    def _remember(self, outgoing: Outgoing, link: Link) -> None:
        if self.section.refers_to_own_kind:
            self.refs.learn(self.section.kind, outgoing.record.key, link.qbo_id or "")

    def _create_failed(self, outgoing: Outgoing, error: QboError, saved: list[Link]) -> None:
        if isinstance(error, (DuplicateName, DuplicateDocNumber)):
            twin = self._find_twin(outgoing)
            if twin is not None:
                self._created(outgoing, twin, saved)
                return
        if _may_have_happened(error):
            # No answer we can trust: QBO may have created it. The pending mark stays, so the
            # next run looks for it (by number or name) before ever creating it again.
            self._record_error(outgoing.record, error)
            return
        # QBO answered with a fault: nothing was created. Count the refusal, so the next
        # attempt carries a new requestid instead of replaying this answer.
        saved.append(
            Link(
                kind=self.section.kind,
                host_key=outgoing.record.key,
                qbo_entity=self.section.qbo_entity,
                state="failed",
                natural_key=self._natural_key(outgoing),
                attempts=(outgoing.link.attempts if outgoing.link is not None else 0) + 1,
            )
        )
        self._record_error(outgoing.record, error)

    def _find_twin(self, outgoing: Outgoing) -> dict[str, Any] | None:
        """After a duplicate name/number: the QBO record is ours if it is already linked to
        this very host record (a create whose answer we lost)."""
        field_name, value = self.section.natural_key_field, self._natural_key(outgoing)
        if not field_name or value is None:
            return None
        page = self.qbo.query(select(self.section.qbo_entity).where(field_name, "=", value))
        for row in page.rows:
            linked = self.mapping.by_qbo_ids(self.section.qbo_entity, [row.get("Id", "")])
            owner = linked.get(row.get("Id", ""))
            if owner is not None and owner.host_key == outgoing.record.key:
                return row
        return None

    def _send_updates(self, updates: list[Outgoing], saved: list[Link]) -> None:
        if not updates:
            return
        items = []
        for outgoing in updates:
            link = outgoing.link
            assert link is not None and link.qbo_id and link.sync_token is not None
            items.append(self._update_item(outgoing, link))
        results = self.qbo.batch(items)
        for outgoing, result in zip(updates, results, strict=True):
            if result.ok and result.entity is not None:
                self._updated(outgoing, result.entity, saved)
            elif isinstance(result.error, StaleObject):
                self._retry_stale(outgoing, saved)
            elif isinstance(result.error, InvalidReference) and result.error.code == "610":
                self._deleted_in_qbo(outgoing)
                self._send_creates([outgoing], saved)
            else:
                assert result.error is not None
                self._update_failed(outgoing, result.error, saved)

    def _update_failed(self, outgoing: Outgoing, error: QboError, saved: list[Link]) -> None:
        link = outgoing.link
        assert link is not None
        saved.append(link.with_(attempts=link.attempts + 1))
        self._record_error(outgoing.record, error)

    def _update_item(self, outgoing: Outgoing, link: Link) -> BatchItem:
        assert link.qbo_id and link.sync_token is not None
        return BatchItem.sparse_update(
            self.section.qbo_entity,
            link.qbo_id,
            link.sync_token,
            self.section.update_fields(outgoing.payload),
            request_id=request_id(
                self.qbo.realm_id,
                self.section.name,
                outgoing.record.key,
                "update",
                f"{link.sync_token}:{outgoing.fingerprint[:16]}:try{link.attempts}",
            ),
        )

    def _updated(self, outgoing: Outgoing, entity: dict[str, Any], saved: list[Link]) -> None:
        saved.append(self._link_for(outgoing, entity, fingerprint_=outgoing.fingerprint))
        self.ctx.count("updated")
        self.ctx.passed(outgoing.record.key)
        self.section.after_write(self.ctx, outgoing.record, entity)

    def _retry_stale(self, outgoing: Outgoing, saved: list[Link]) -> None:
        """5010: someone changed it in QBO meanwhile. Re-read, send ours once more."""
        link = outgoing.link
        assert link is not None and link.qbo_id is not None
        try:
            current = self.qbo.read(self.section.qbo_entity, link.qbo_id).entity
            retried = link.with_(sync_token=current.get("SyncToken"))
            item = self._update_item(outgoing, retried)
            (result,) = self.qbo.batch([item])
            if result.error is not None:
                raise result.error
        except QboError as error:
            self._update_failed(outgoing, error, saved)
            return
        assert result.entity is not None
        outgoing.link = retried
        self._updated(outgoing, result.entity, saved)

    def _link_for(
        self, outgoing: Outgoing, entity: dict[str, Any], *, fingerprint_: str | None
    ) -> Link:
        return Link(
            kind=self.section.kind,
            host_key=outgoing.record.key,
            qbo_entity=self.section.qbo_entity,
            qbo_id=entity.get("Id"),
            sync_token=entity.get("SyncToken"),
            fingerprint=fingerprint_,
            qbo_updated_at=parse_qbo_time((entity.get("MetaData") or {}).get("LastUpdatedTime")),
            natural_key=self._natural_key(outgoing),
            host_changed_at=self._settled_at(outgoing.record) if fingerprint_ is not None else None,
        )

    def _settled_at(self, record: HostRecord) -> datetime | None:
        """The change time a link may remember, so that a review skips the row unread while
        its change time is still that one: only a time before this run's start on the host's
        clock. A row changed after that could change again within the same tick of that
        clock and keep the same time; its link remembers nothing, and the next run, whose
        start is later, settles it."""
        stamp = record.changed_at
        return stamp if stamp is not None and stamp < self.ctx.host_until else None


def _may_have_happened(error: QboError) -> bool:
    """A write whose outcome we cannot know: sent, but the answer was lost or unreadable."""
    if isinstance(error, MalformedResponse):
        return True
    return isinstance(error, TransientError) and error.outcome_unknown
