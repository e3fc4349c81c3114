"""Cases (participants), their documents or speakers, and their attributes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from qualcode.clock import new_guid
from qualcode.core.model import Case, CaseSource
from qualcode.errors import InputError, NotFoundError
from qualcode.i18n import _
from qualcode.store.base import (
    T_ATTRS,
    T_CASE_ATTRS,
    T_CASE_SOURCES,
    T_CASES,
    T_DOCS,
    ProjectBase,
    Tx,
)

ATTRIBUTE_TYPES = ("text", "integer", "float", "boolean", "date", "datetime")
"""Attribute types (the REFI-QDA variable types)."""


def front_matter_to_case(
    tx: Tx, doc_pk: int, case: str, front_matter: dict[str, str]
) -> tuple[list[str], list[str]]:
    """Set a document's front matter keys as attributes of ``case`` (created and
    linked to the document when needed), inside the caller's transaction.

    An attribute the case already has with another value is kept.

    Returns:
        The attribute names written, and one notice per value not written.
    """
    conn = tx.conn
    case_pk = conn.execute(select(T_CASES.c.pk).where(T_CASES.c.name == case)).scalar()
    if case_pk is None:
        case_pk = tx.insert(T_CASES, {"guid": new_guid(), "name": case, "description": ""})
    linked = conn.execute(
        select(T_CASE_SOURCES.c.pk).where(
            T_CASE_SOURCES.c.case_pk == case_pk,
            T_CASE_SOURCES.c.document_pk == doc_pk,
            T_CASE_SOURCES.c.speaker.is_(None),
        )
    ).first()
    if linked is None:
        tx.insert(T_CASE_SOURCES, {"case_pk": case_pk, "document_pk": doc_pk, "speaker": None})
    written: list[str] = []
    notices: list[str] = []
    for key, value in front_matter.items():
        attr_pk = conn.execute(select(T_ATTRS.c.pk).where(T_ATTRS.c.name == key)).scalar()
        if attr_pk is None:
            attr_pk = tx.insert(T_ATTRS, {"guid": new_guid(), "name": key, "type": "text"})
        have = conn.execute(
            select(T_CASE_ATTRS.c.value).where(
                T_CASE_ATTRS.c.case_pk == case_pk, T_CASE_ATTRS.c.attribute_pk == attr_pk
            )
        ).first()
        if have is None or have.value is None:
            if have is None:
                tx.insert(
                    T_CASE_ATTRS, {"case_pk": case_pk, "attribute_pk": attr_pk, "value": value}
                )
            else:
                tx.update(
                    T_CASE_ATTRS, {"case_pk": case_pk, "attribute_pk": attr_pk}, {"value": value}
                )
            written.append(key)
        elif have.value == value:
            written.append(key)
        else:
            notices.append(
                _(
                    "front matter {key}={value!r} not written: case {case!r} already has {key}={have.value!r}"
                ).format(key=key, value=value, case=case, have=have)
            )
    return written, notices


class Cases:
    """Creating cases, linking them to documents and setting attributes."""

    def __init__(self, store: ProjectBase) -> None:
        self.store = store

    def _case_pk(self, conn: Connection, name: str) -> int:
        pk = conn.execute(select(T_CASES.c.pk).where(T_CASES.c.name == name)).scalar()
        if pk is None:
            raise NotFoundError(
                _("no case named {name!r}").format(name=name), hint=_("'qualcode cases' lists them")
            )
        return int(pk)

    def _ensure_case(self, tx: Tx, name: str, description: str = "") -> int:
        pk = tx.conn.execute(select(T_CASES.c.pk).where(T_CASES.c.name == name)).scalar()
        if pk is not None:
            return int(pk)
        if not name.strip():
            raise InputError(_("a case needs a name"))
        return tx.insert(T_CASES, {"guid": new_guid(), "name": name, "description": description})

    def link_case(self, name: str, doc: str, *, speaker: str | None = None) -> Case:
        """Make ``doc`` (or one ``speaker`` in it) part of case ``name`` (created when new)."""
        with self.store.write(
            "case.link", f"link {doc}{' / ' + speaker if speaker else ''} to case {name}"
        ) as tx:
            case_pk = self._ensure_case(tx, name)
            doc_pk = self.store.document_key(tx.conn, doc)[0]
            exists = tx.conn.execute(
                select(T_CASE_SOURCES.c.pk).where(
                    T_CASE_SOURCES.c.case_pk == case_pk,
                    T_CASE_SOURCES.c.document_pk == doc_pk,
                    T_CASE_SOURCES.c.speaker.is_(None)
                    if speaker is None
                    else T_CASE_SOURCES.c.speaker == speaker,
                )
            ).first()
            if not exists:
                tx.insert(
                    T_CASE_SOURCES, {"case_pk": case_pk, "document_pk": doc_pk, "speaker": speaker}
                )
        return self.case(name)

    def set_attribute(self, case: str, name: str, value: str | None, *, type: str = "text") -> None:  # noqa: A002
        """Set one attribute of one case (creating the attribute when new)."""
        if type not in ATTRIBUTE_TYPES:
            raise InputError(
                _("unknown attribute type {type!r}").format(type=type),
                hint=_("use {ATTRIBUTE_TYPES}").format(ATTRIBUTE_TYPES=", ".join(ATTRIBUTE_TYPES)),
            )
        with self.store.write("case.attribute", f"set {name} of case {case}") as tx:
            self._set_attribute(tx, self._case_pk(tx.conn, case), name, value, type)

    def set_attributes(
        self,
        values: dict[str, dict[str, str | None]],
        *,
        create: bool = False,
        link: dict[str, str] | None = None,
    ) -> int:
        """Set many attributes in one action: ``{case: {attribute: value}}``.

        Args:
            values: attribute values per case.
            create: create unknown cases instead of refusing.
            link: case -> a document to link the case to (when not yet linked).

        Returns:
            The number of values written.

        Raises:
            NotFoundError: an unknown case or document (nothing is written).
        """
        n = 0
        with self.store.write("case.attributes", f"set attributes of {len(values)} cases") as tx:
            for case, doc in (link or {}).items():
                case_pk = self._ensure_case(tx, case)
                doc_pk = self.store.document_key(tx.conn, doc)[0]
                exists = tx.conn.execute(
                    select(T_CASE_SOURCES.c.pk).where(
                        T_CASE_SOURCES.c.case_pk == case_pk,
                        T_CASE_SOURCES.c.document_pk == doc_pk,
                        T_CASE_SOURCES.c.speaker.is_(None),
                    )
                ).first()
                if exists is None:
                    tx.insert(
                        T_CASE_SOURCES,
                        {"case_pk": case_pk, "document_pk": doc_pk, "speaker": None},
                    )
            for case, attrs in values.items():
                case_pk = self._ensure_case(tx, case) if create else self._case_pk(tx.conn, case)
                for name, value in attrs.items():
                    self._set_attribute(tx, case_pk, name, value, "text")
                    n += 1
        return n

    def _set_attribute(
        self, tx: Tx, case_pk: int, name: str, value: str | None, type_: str
    ) -> None:
        if not name.strip():
            raise InputError(_("an attribute needs a name"))
        attr_pk = tx.conn.execute(select(T_ATTRS.c.pk).where(T_ATTRS.c.name == name)).scalar()
        if attr_pk is None:
            attr_pk = tx.insert(T_ATTRS, {"guid": new_guid(), "name": name, "type": type_})
        key = {"case_pk": case_pk, "attribute_pk": attr_pk}
        current = tx.conn.execute(
            select(T_CASE_ATTRS.c.value).where(
                T_CASE_ATTRS.c.case_pk == case_pk, T_CASE_ATTRS.c.attribute_pk == attr_pk
            )
        ).first()
        if current is None:
            tx.insert(T_CASE_ATTRS, {**key, "value": value})
        elif current.value != value:
            tx.update(T_CASE_ATTRS, key, {"value": value})

    def case(self, name: str) -> Case:
        """One case with its attributes and sources."""
        for c in self.cases():
            if c.name == name:
                return c
        raise NotFoundError(
            _("no case named {name!r}").format(name=name), hint=_("'qualcode cases' lists them")
        )

    def cases(self) -> list[Case]:
        """Every case, by name, with attributes and sources."""
        with self.store.read() as conn:
            rows = conn.execute(select(T_CASES).order_by(T_CASES.c.name)).mappings().all()
            attrs: dict[int, dict[str, str | None]] = {}
            for case_pk, name, value in conn.execute(
                select(T_CASE_ATTRS.c.case_pk, T_ATTRS.c.name, T_CASE_ATTRS.c.value)
                .join(T_ATTRS, T_ATTRS.c.pk == T_CASE_ATTRS.c.attribute_pk)
                .order_by(T_ATTRS.c.name)
            ):
                attrs.setdefault(case_pk, {})[name] = value
            sources: dict[int, list[CaseSource]] = {}
            for case_pk, doc, speaker in conn.execute(
                select(T_CASE_SOURCES.c.case_pk, T_DOCS.c.name, T_CASE_SOURCES.c.speaker)
                .join(T_DOCS, T_DOCS.c.pk == T_CASE_SOURCES.c.document_pk)
                .order_by(T_DOCS.c.name, T_CASE_SOURCES.c.speaker)
            ):
                sources.setdefault(case_pk, []).append(CaseSource(doc, speaker))
        return [
            Case(
                name=r["name"],
                guid=r["guid"],
                description=r["description"],
                attributes=attrs.get(r["pk"], {}),
                sources=tuple(sources.get(r["pk"], ())),
            )
            for r in rows
        ]

    def attributes(self) -> list[dict[str, Any]]:
        """Attribute definitions: name, type, guid."""
        with self.store.read() as conn:
            return [
                dict(r)
                for r in conn.execute(
                    select(T_ATTRS.c.name, T_ATTRS.c.type, T_ATTRS.c.guid).order_by(T_ATTRS.c.name)
                ).mappings()
            ]
