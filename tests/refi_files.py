"""Building REFI-QDA files in tests: project XML, codebooks and .qdpx archives.

Every fixture for an importer test is made here from a few lines, so each test shows
exactly the deviation it is about.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import xmlschema

from tests.conftest import DATA

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
XSD = DATA / "refi-qda"

G_USER = "11111111-1111-4111-8111-111111111111"
G_CODE_A = "aaaaaaaa-0000-4000-8000-000000000001"
G_CODE_B = "aaaaaaaa-0000-4000-8000-000000000002"
G_SOURCE = "bbbbbbbb-0000-4000-8000-000000000001"
G_SEL = "cccccccc-0000-4000-8000-000000000001"
G_CODING = "dddddddd-0000-4000-8000-000000000001"
G_NOTE = "eeeeeeee-0000-4000-8000-000000000001"
G_CASE = "ffffffff-0000-4000-8000-000000000001"
G_VAR = "99999999-0000-4000-8000-000000000001"

TEXT = "Pewawancara: Berapa lama antrenya?\nBu Sari: Lama sekali, dua jam. Petugasnya ramah.\n"

_schemas: dict[str, xmlschema.XMLSchema10] = {}


def schema(name: str) -> xmlschema.XMLSchema10:
    """The official schema (``Project`` or ``Codebook``), loaded once."""
    if name not in _schemas:
        _schemas[name] = xmlschema.XMLSchema10(str(XSD / f"{name}.xsd"))
    return _schemas[name]


def project_xml(
    body: str,
    *,
    ns: str | None = PROJECT_NS,
    attrs: str = 'name="t" origin="Test tool 1.0"',
) -> str:
    """A ``<Project>`` document around ``body``."""
    xmlns = f' xmlns="{ns}"' if ns else ""
    return f'<?xml version="1.0" encoding="utf-8"?>\n<Project{xmlns} {attrs}>\n{body}\n</Project>\n'


def codebook_xml(body: str, *, ns: str | None = CODEBOOK_NS, attrs: str = "") -> str:
    """A ``<CodeBook>`` document around ``body``."""
    xmlns = f' xmlns="{ns}"' if ns else ""
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<CodeBook{xmlns} {attrs}>\n{body}\n</CodeBook>\n'
    )


def users() -> str:
    return f'<Users><User guid="{G_USER}" name="Sari Peneliti"/></Users>'


def codes() -> str:
    return (
        "<CodeBook><Codes>"
        f'<Code guid="{G_CODE_A}" name="Waktu tunggu" isCodable="false" color="#FF0000">'
        "<Description>Lama menunggu.</Description>"
        f'<Code guid="{G_CODE_B}" name="Petugas ramah" isCodable="true" color="#00f"/>'
        "</Code></Codes></CodeBook>"
    )


def source(
    selections: str = "",
    *,
    path: str | None = None,
    inline: str | None = None,
    name: str = "Wawancara Sari",
    guid: str = G_SOURCE,
) -> str:
    """A ``<TextSource>``: text inline or at ``path`` (default internal://GUID.txt)."""
    if inline is not None:
        return (
            f'<TextSource guid="{guid}" name="{name}"><PlainTextContent>{inline}'
            f"</PlainTextContent>{selections}</TextSource>"
        )
    path = path if path is not None else f"internal://{guid}.txt"
    return (
        f'<TextSource guid="{guid}" name="{name}" plainTextPath="{path}">{selections}</TextSource>'
    )


def selection(
    start: int,
    end: int,
    code: str = G_CODE_A,
    *,
    guid: str = G_SEL,
    coding: str = G_CODING,
    name: str | None = None,
    extra: str = "",
) -> str:
    """A ``<PlainTextSelection>`` with one coding of ``code``."""
    name_attr = f' name="{name}"' if name is not None else ""
    return (
        f'<PlainTextSelection guid="{guid}"{name_attr} startPosition="{start}" endPosition="{end}" '
        f'creatingUser="{G_USER}">{extra}'
        f'<Coding guid="{coding}" creatingUser="{G_USER}"><CodeRef targetGUID="{code}"/></Coding>'
        "</PlainTextSelection>"
    )


def qdpx(path: Path, members: dict[str, str | bytes]) -> Path:
    """A zip with exactly these members (names as given, even hostile ones)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    return path


def simple_project(
    tmp: Path,
    *,
    text: str = TEXT,
    selections: str | None = None,
    extra_body: str = "",
    name: str = "t.qdpx",
) -> Path:
    """A small valid .qdpx: one user, two codes, one source, one coding."""
    sels = selections if selections is not None else selection(13, 34, name="Berapa lama antrenya?")
    body = users() + codes() + f"<Sources>{source(sels)}</Sources>" + extra_body
    return qdpx(
        tmp / name,
        {"project.qde": project_xml(body), f"sources/{G_SOURCE}.txt": text.encode("utf-8")},
    )
