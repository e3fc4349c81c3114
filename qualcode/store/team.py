"""Team work on one project: coders and their roles, done marks, the blind view,
agreement data, and adjudication into a consensus coder."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Table, func, select

from qualcode.clock import new_guid, now
from qualcode.core.codebook import Codebook
from qualcode.core.model import Status
from qualcode.core.team import DECISIONS, Coder, Comparison, SideSpan, compare_coders
from qualcode.errors import InputError, NotFoundError, ProjectError
from qualcode.i18n import _, plural
from qualcode.store import postgres
from qualcode.store.base import (
    T_CODES,
    T_CODINGS,
    T_DOCS,
    T_SENTS,
    T_TURNS,
    VISIBLE,
    ProjectBase,
    Tx,
)
from qualcode.store.schema import AdjudicationRow, CoderRow, DocumentMarkRow

if TYPE_CHECKING:
    from qualcode.core.agreement import AgreementReport

T_CODERS: Table = CoderRow.__table__  # type: ignore[assignment]
T_MARKS: Table = DocumentMarkRow.__table__  # type: ignore[assignment]
T_ADJ: Table = AdjudicationRow.__table__  # type: ignore[assignment]

BLIND = "team.blind"
"""Project setting: coders see only their own codings."""

CONSENSUS = "consensus"
"""The default name of the coder an adjudication records."""


def _unit_spans(conn: Connection, unit: str) -> dict[int, list[tuple[int, int]]]:
    """The (start, end) of each sentence or turn per document key, in order (empty
    for the other units)."""
    units: dict[int, list[tuple[int, int]]] = {}
    if unit in ("sentence", "turn"):
        table = T_SENTS if unit == "sentence" else T_TURNS
        for doc_pk, s, e in conn.execute(
            select(table.c.document_pk, table.c.start, table.c.end).order_by(
                table.c.document_pk, table.c.ordinal
            )
        ):
            units.setdefault(doc_pk, []).append((s, e))
    return units


def _agreement_codes(cb: Codebook, codes: Sequence[str] | None, used: set[str]) -> list[str]:
    """The code ids to compare: those asked for (aliases resolve), else every code used,
    in codebook order.

    Raises:
        NotFoundError: an unknown code.
    """
    if not codes:
        return [c.id for c in cb.codes if c.id in used]
    wanted = []
    for c in codes:
        code = cb.get(c)
        if code is None:
            raise NotFoundError(
                _("unknown code {c!r}").format(c=c),
                hint=_("'qualcode codebook show' lists the codes"),
            )
        wanted.append(code.id)
    return list(dict.fromkeys(wanted))


class Team:
    """Coders, done marks, blind view, agreement and adjudication."""

    def __init__(self, store: ProjectBase) -> None:
        self.store = store

    blind: bool = False
    """This session shows only the current coder's codings (``--blind``)."""

    # ------------------------------------------------------------------ roles

    def coder_role(self, name: str | None = None) -> str:
        """The role of a coder (default: the current one): ``owner`` for the
        project's owner on PostgreSQL, else the registered role, else ``coder``."""
        name = name or self.store.coder
        with self.store.read() as conn:
            if self.store.dialect == "postgresql" and postgres.project_owner(conn) == name:
                return "owner"
            role = conn.execute(select(T_CODERS.c.role).where(T_CODERS.c.name == name)).scalar()
        return str(role) if role else "coder"

    def _set_coder_role(self, tx: Tx, name: str, role: str) -> None:
        row = tx.conn.execute(select(T_CODERS).where(T_CODERS.c.name == name)).mappings().first()
        if row is None:
            tx.insert(T_CODERS, {"guid": new_guid(), "name": name, "created": now(), "role": role})
        elif row["role"] != role:
            tx.update(T_CODERS, {"pk": row["pk"]}, {"role": role})

    def add_coder(
        self, name: str, *, supervisor: bool = False, password: str | None = None
    ) -> str | None:
        """Register a coder (one action); on PostgreSQL also create their login role
        with exactly a coder's (or supervisor's) privileges.

        Args:
            name: the coder's name (the role name on PostgreSQL).
            supervisor: may also set review status and adjudicate.
            password: the role's password (PostgreSQL; default: a new random one
                for a new role, unchanged for an existing one).

        Returns:
            The password that was set (PostgreSQL), else ``None``.

        Raises:
            InputError: a name that cannot be a role.
            ProjectError: on PostgreSQL, when the connected role is not the owner.
        """
        postgres.check_name(name)
        role = "supervisor" if supervisor else "coder"
        if self.store.dialect != "postgresql":
            with self.store.write("team.add-coder", f"add {role} {name}") as tx:
                self._set_coder_role(tx, name, role)
            return None
        with self.store.read() as conn:
            owner = postgres.project_owner(conn)
            me = postgres.current_role(conn)
        if owner != me:
            raise ProjectError(
                _("only the project's owner ({owner}) can add coders; you are {me!r}").format(
                    owner=owner, me=me
                ),
                hint=_("connect as the owner's role"),
            )
        if name == owner:
            raise InputError(_("{name!r} owns the project already").format(name=name))
        with self.store.write("team.add-coder", f"add {role} {name}") as tx:
            if not postgres.role_exists(tx.conn, name):
                password = password or secrets.token_urlsafe(12)
                postgres.create_role(tx.conn, name, password)
            elif password:
                postgres.set_password(tx.conn, name, password)
            postgres.grant_role(tx.conn, name, supervisor=supervisor)
            self._set_coder_role(tx, name, role)
        return password

    def team_members(self) -> list[Coder]:
        """Every registered coder and every name found on codings, by name."""
        with self.store.read() as conn:
            rows = {r["name"]: r for r in conn.execute(select(T_CODERS)).mappings()}
            counts: dict[str, int] = dict(
                conn.execute(
                    select(T_CODINGS.c.coder, func.count()).group_by(T_CODINGS.c.coder)
                ).all()
            )
            done: dict[str, list[str]] = {}
            for coder, doc in conn.execute(
                select(T_MARKS.c.coder, T_DOCS.c.name)
                .join(T_DOCS, T_DOCS.c.pk == T_MARKS.c.document_pk)
                .where(T_MARKS.c.done.is_(True))
                .order_by(T_DOCS.c.name)
            ):
                done.setdefault(coder, []).append(doc)
            owner = postgres.project_owner(conn) if self.store.dialect == "postgresql" else None
        names = sorted(set(rows) | set(counts) | set(done) | ({owner} if owner else set()))
        out = []
        for name in names:
            row = rows.get(name)
            role = "owner" if name == owner else (row["role"] if row else "coder")
            out.append(
                Coder(
                    name=name,
                    role=role,
                    guid=row["guid"] if row else "",
                    created=row["created"] if row else "",
                    codings=int(counts.get(name, 0)),
                    done=tuple(done.get(name, ())),
                )
            )
        return out

    # ------------------------------------------------------------------ blind view

    def is_blind(self) -> bool:
        """Whether the current coder sees only their own codings: ``--blind``, or the
        project's blind setting for anyone who is not a supervisor or the owner."""
        if self.blind:
            return True
        if not self.store.get_setting(BLIND, False):
            return False
        return self.coder_role() not in ("supervisor", "owner")

    def set_blind(self, on: bool) -> None:
        """Turn the project's blind coding on or off (one action)."""
        self.store.set_setting(BLIND, bool(on))

    def visible_coder(self, coder: str | None) -> str | None:
        """The coder filter a reading method must apply (blind view)."""
        if not self.is_blind():
            return coder
        if coder is not None and coder != self.store.coder:
            raise ProjectError(
                _("blind coding is on: {coder!r} sees only their own codings").format(
                    coder=self.store.coder
                ),
                hint=_("a supervisor or the owner compares coders"),
            )
        return self.store.coder

    # ------------------------------------------------------------------ done marks

    def mark_done(self, doc: str, *, done: bool = True, coder: str | None = None) -> None:
        """Mark ``doc`` done (or not done) for the current coder (one action)."""
        coder = coder or self.store.coder
        verb = "done" if done else "not done"
        with self.store.write("team.done", f"mark {doc} {verb}") as tx:
            doc_pk = self.store.document_key(tx.conn, doc)[0]
            key = {"document_pk": doc_pk, "coder": coder}
            row = tx.conn.execute(
                select(T_MARKS.c.done).where(
                    T_MARKS.c.document_pk == doc_pk, T_MARKS.c.coder == coder
                )
            ).first()
            if row is None:
                tx.insert(T_MARKS, {**key, "done": done, "at": now()})
            elif bool(row.done) != done:
                tx.update(T_MARKS, key, {"done": done, "at": now()})

    def done_marks(self) -> dict[str, set[str]]:
        """Document name -> the coders who marked it done."""
        with self.store.read() as conn:
            return self._done(conn)

    def _done(self, conn: Connection) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for doc, coder in conn.execute(
            select(T_DOCS.c.name, T_MARKS.c.coder)
            .join(T_DOCS, T_DOCS.c.pk == T_MARKS.c.document_pk)
            .where(T_MARKS.c.done.is_(True))
        ):
            out.setdefault(doc, set()).add(coder)
        return out

    # ------------------------------------------------------------------ agreement

    def agreement(
        self,
        coders: Sequence[str],
        *,
        unit: str = "char",
        codes: Sequence[str] | None = None,
        include_unfinished: bool = False,
    ) -> AgreementReport:
        """Agreement between ``coders`` (accepted codings only).

        Args:
            coders: two or more coder names.
            unit: ``char``, ``sentence``, ``turn`` or ``document``.
            codes: code ids (aliases resolve); default: every code one of the
                coders used, in codebook order.
            include_unfinished: treat every document as done by every coder.

        Raises:
            InputError: fewer than two coders, an unknown unit, no document done by
                two of them.
            NotFoundError: an unknown coder or code.
        """
        from qualcode.core.agreement import UNIT_KINDS, UnitDoc, compute_agreement

        coders = list(dict.fromkeys(coders))
        if len(coders) < 2:
            raise InputError(_("agreement needs two coders or more"), hint=_("--coders A B [C...]"))
        if unit not in UNIT_KINDS:
            raise InputError(
                _("unknown unit {unit!r}").format(unit=unit),
                hint=_("use {UNIT_KINDS}").format(UNIT_KINDS=", ".join(UNIT_KINDS)),
            )
        self._check_coders(coders)
        with self.store.read() as conn:
            cb = self.store.read_codebook(conn)
            rows = conn.execute(
                select(
                    T_DOCS.c.name,
                    T_CODES.c.id,
                    T_CODINGS.c.coder,
                    T_CODINGS.c.start,
                    T_CODINGS.c.end,
                )
                .select_from(
                    T_CODINGS.join(T_DOCS, T_DOCS.c.pk == T_CODINGS.c.document_pk).join(
                        T_CODES, T_CODES.c.pk == T_CODINGS.c.code_pk
                    )
                )
                .where(
                    T_CODINGS.c.coder.in_(coders),
                    T_CODINGS.c.status == Status.ACCEPTED.value,
                )
            ).all()
            marks = self._done(conn)
            docs_rows = conn.execute(
                select(T_DOCS.c.pk, T_DOCS.c.name, T_DOCS.c.text).where(VISIBLE)
            ).all()
            units = _unit_spans(conn, unit)
        everyone = frozenset(coders)
        docs = [
            UnitDoc(
                name=name,
                text=text,
                units=tuple(units.get(pk, ())),
                done=everyone if include_unfinished else frozenset(marks.get(name, ())),
            )
            for pk, name, text in docs_rows
        ]
        if not any(len(d.done & everyone) >= 2 for d in docs):
            raise InputError(
                _("no document is marked done by two of {coders}").format(coders=", ".join(coders)),
                hint=_("each coder runs 'qualcode done DOC', or pass --include-unfinished"),
            )
        code_ids = _agreement_codes(cb, codes, {r[1] for r in rows})
        from qualcode.core.model import Coding

        codings = [
            Coding(guid="", doc=d, code=c, start=s, end=e, coder=who, created="", quote="")
            for d, c, who, s, e in rows
        ]
        return compute_agreement(docs, codings, coders, code_ids, unit=unit)

    def _check_coders(self, coders: Sequence[str]) -> None:
        """Refuse a coder the project does not know (and, blind, one not to be seen).

        Raises:
            NotFoundError: an unknown coder, naming the known ones.
        """
        if self.is_blind():
            self.visible_coder(next(c for c in coders if c != self.store.coder))
        known = {c.name for c in self.team_members()}
        for c in coders:
            if c not in known:
                raise NotFoundError(
                    _("no coder named {c!r} in this project").format(c=c),
                    hint=(
                        _("known: {known}").format(known=", ".join(sorted(known)))
                        if known
                        else None
                    ),
                )

    # ------------------------------------------------------------------ adjudication

    def compare(
        self, doc: str, coder_a: str, coder_b: str, *, consensus: str = CONSENSUS
    ) -> Comparison:
        """Two coders side by side on ``doc``, with the decisions recorded so far."""
        if coder_a == coder_b:
            raise InputError(_("compare two different coders"))
        with self.store.read() as conn:
            return self._compare(conn, doc, coder_a, coder_b, consensus)

    def _compare(
        self, conn: Connection, doc: str, coder_a: str, coder_b: str, consensus: str
    ) -> Comparison:
        doc_pk = self.store.document_key(conn, doc)[0]
        cb = self.store.read_codebook(conn)
        sides: dict[str, dict[str, list[SideSpan]]] = {coder_a: {}, coder_b: {}}
        for code, coder, s, e, guid, quote in conn.execute(
            select(
                T_CODES.c.id,
                T_CODINGS.c.coder,
                T_CODINGS.c.start,
                T_CODINGS.c.end,
                T_CODINGS.c.guid,
                T_CODINGS.c.quote,
            )
            .join(T_CODES, T_CODES.c.pk == T_CODINGS.c.code_pk)
            .where(
                T_CODINGS.c.document_pk == doc_pk,
                T_CODINGS.c.coder.in_([coder_a, coder_b]),
                T_CODINGS.c.status == Status.ACCEPTED.value,
            )
        ):
            sides[coder].setdefault(code, []).append(SideSpan(s, e, guid, quote))
        decisions = {
            k: d
            for k, d in conn.execute(
                select(T_ADJ.c.key, T_ADJ.c.decision).where(
                    T_ADJ.c.document_pk == doc_pk, T_ADJ.c.consensus == consensus
                )
            )
        }
        order = {c.id: i for i, c in enumerate(cb.codes)}
        return compare_coders(
            doc,
            coder_a,
            coder_b,
            sides[coder_a],
            sides[coder_b],
            decisions=decisions,
            code_order=order,
        )

    def adjudicate(
        self,
        doc: str,
        coder_a: str,
        coder_b: str,
        decisions: Mapping[int | str, str],
        *,
        consensus: str = CONSENSUS,
    ) -> Comparison:
        """Record decisions on disagreements and rebuild the consensus codings of
        ``doc`` (one action).

        The consensus coder gets every agreement plus what the decisions accept;
        consensus codings no longer accepted are removed (with tombstones).

        Args:
            doc: the document.
            coder_a: side a.
            coder_b: side b.
            decisions: disagreement number (from 1, as listed by :meth:`compare`) or
                key -> ``a``, ``b``, ``both`` or ``neither``.
            consensus: the consensus coder's name.

        Returns:
            The comparison after the decisions.

        Raises:
            InputError: an unknown decision or disagreement number, a consensus
                name that is one of the two coders.
        """
        postgres.check_name(consensus)
        if consensus in (coder_a, coder_b):
            raise InputError(
                _("the consensus coder cannot be {consensus!r}, one of the two sides").format(
                    consensus=consensus
                )
            )
        for d in decisions.values():
            if d not in DECISIONS:
                raise InputError(
                    _("unknown decision {d!r}").format(d=d),
                    hint=_("use {DECISIONS}").format(DECISIONS=", ".join(DECISIONS)),
                )
        with self.store.write(
            "team.adjudicate", f"adjudicate {doc}: {coder_a} vs {coder_b} into {consensus}"
        ) as tx:
            conn = tx.conn
            comparison = self._compare(conn, doc, coder_a, coder_b, consensus)
            by_key = {c.key: c for c in comparison.clusters}
            doc_pk, _chars = self.store.document_key(conn, doc)
            for ref, decision in decisions.items():
                if isinstance(ref, int):
                    if not 1 <= ref <= len(comparison.clusters):
                        raise InputError(
                            plural(
                                len(comparison.clusters),
                                "there is no disagreement {ref} in {doc!r} ({n} in all)",
                                "there is no disagreement {ref} in {doc!r} ({n} in all)",
                                ref=ref,
                                doc=doc,
                            )
                        )
                    cluster = comparison.clusters[ref - 1]
                else:
                    if ref not in by_key:
                        raise InputError(
                            _("no disagreement with key {ref!r} in {doc!r}").format(
                                ref=ref, doc=doc
                            )
                        )
                    cluster = by_key[ref]
                existing = conn.execute(
                    select(T_ADJ.c.pk, T_ADJ.c.decision).where(
                        T_ADJ.c.document_pk == doc_pk,
                        T_ADJ.c.consensus == consensus,
                        T_ADJ.c.key == cluster.key,
                    )
                ).first()
                values = {"decision": decision, "decided_by": self.store.coder, "at": now()}
                if existing is None:
                    tx.insert(
                        T_ADJ,
                        {
                            "guid": new_guid(),
                            "document_pk": doc_pk,
                            "consensus": consensus,
                            "key": cluster.key,
                            "code": cluster.code,
                            "coder_a": coder_a,
                            "coder_b": coder_b,
                            **values,
                        },
                    )
                elif existing.decision != decision:
                    tx.update(T_ADJ, {"pk": existing.pk}, values)
            comparison = self._compare(conn, doc, coder_a, coder_b, consensus)
            role = conn.execute(
                select(T_CODERS.c.role).where(T_CODERS.c.name == consensus)
            ).scalar()
            if role is None:
                self._set_coder_role(tx, consensus, "consensus")
            elif role != "consensus":
                raise InputError(
                    _("{consensus!r} is a {role} of this project, not a consensus set").format(
                        consensus=consensus, role=role
                    ),
                    hint=_("name the consensus coder with --as NAME"),
                )
            wanted = comparison.consensus()
            present = {
                (r.code, r.start, r.end): (r.pk, r.guid)
                for r in conn.execute(
                    select(
                        T_CODES.c.id.label("code"),
                        T_CODINGS.c.start,
                        T_CODINGS.c.end,
                        T_CODINGS.c.pk,
                        T_CODINGS.c.guid,
                    )
                    .join(T_CODES, T_CODES.c.pk == T_CODINGS.c.code_pk)
                    .where(T_CODINGS.c.document_pk == doc_pk, T_CODINGS.c.coder == consensus)
                )
            }
            for key, (pk, guid) in sorted(present.items()):
                if key not in wanted:
                    self.store.delete_coding(tx, pk, guid, self.store.coder)
            text_row = conn.execute(select(T_DOCS.c.text).where(T_DOCS.c.pk == doc_pk)).scalar()
            group = new_guid()
            for code, s, e in sorted(wanted - set(present)):
                tx.insert(
                    T_CODINGS,
                    {
                        "guid": new_guid(),
                        "document_pk": doc_pk,
                        "code_pk": self.store.code_pk(conn, code),
                        "start": s,
                        "end": e,
                        "coder": consensus,
                        "created": now(),
                        "quote": (text_row or "")[s:e],
                        "memo": None,
                        "origin": "manual",
                        "status": Status.ACCEPTED.value,
                        "review": "unreviewed",
                        "reviewer": None,
                        "reviewed_at": None,
                        "anchor": "exact",
                        "batch": group,
                        "version": 1,
                    },
                )
        return comparison
