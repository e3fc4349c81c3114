"""Plain text (``.txt``) and Markdown (``.md``) transcripts."""

from __future__ import annotations

import re
from pathlib import Path

from qualcode.core.model import ImportedDocument
from qualcode.errors import InputError
from qualcode.importers.decode import decode_text, normalize, read_bytes
from qualcode.importers.speakers import SpeakerConfig, find_turns

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
# **Name:** / **Name**: at the start of a line -> Name:
_BOLD_LABEL = re.compile(
    r"(?m)^([ \t]*(?:\[[\d:.,]+\][ \t]*)?)\*\*([^*\n]{1,40}?)(?::\*\*|\*\*[ \t]*:)"
)


def _finish(
    path: Path,
    text: str,
    fmt: str,
    encoding: str,
    notices: tuple[str, ...],
    speakers: SpeakerConfig | None,
    name: str | None,
    meta: dict[str, str] | None = None,
) -> ImportedDocument:
    if not text.strip():
        raise InputError("file has no text", path=path, hint="nothing to import")
    return ImportedDocument(
        name=name or path.stem,
        text=text,
        turns=tuple(find_turns(text, speakers)),
        source_path=str(path),
        source_format=fmt,
        encoding=encoding,
        notices=notices,
        meta=meta or {},
    )


def read_txt(
    path: Path,
    *,
    speakers: SpeakerConfig | None = None,
    name: str | None = None,
    encoding: str | None = None,
) -> ImportedDocument:
    """Import a plain-text transcript.

    Raises:
        InputError: missing, empty, binary or undecodable file.
    """
    decoded = decode_text(read_bytes(path), path, encoding=encoding)
    return _finish(
        path, normalize(decoded.text), "txt", decoded.encoding, decoded.notices, speakers, name
    )


def strip_front_matter(text: str) -> tuple[str, dict[str, str]]:
    """Remove a leading ``---`` YAML front matter block; its simple ``key: value``
    lines are returned as metadata."""
    m = _FRONT_MATTER.match(text)
    if not m:
        return text, {}
    meta: dict[str, str] = {}
    for line in (m.group(1) or "").splitlines():
        if ":" in line and not line.startswith((" ", "\t", "-")):
            key, _, value = line.partition(":")
            meta[key.strip()] = value.strip().strip("'\"")
    return text[m.end() :].lstrip("\n"), meta


def read_md(
    path: Path,
    *,
    speakers: SpeakerConfig | None = None,
    name: str | None = None,
    encoding: str | None = None,
) -> ImportedDocument:
    """Import a Markdown transcript: front matter dropped, ``**Name:**`` labels
    turned into ``Name:`` so that offsets refer to the text a coder reads."""
    decoded = decode_text(read_bytes(path), path, encoding=encoding)
    text, meta = strip_front_matter(normalize(decoded.text))
    text = _BOLD_LABEL.sub(lambda m: f"{m.group(1)}{m.group(2).strip()}:", text)
    return _finish(path, text, "md", decoded.encoding, decoded.notices, speakers, name, meta)
