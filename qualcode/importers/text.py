"""Plain text (``.txt``) and Markdown (``.md``) transcripts.

Both may open with a front matter block, YAML between ``---`` lines or TOML between
``+++`` lines: it is not transcript text. Its simple keys (title, date, guests, ...;
a list of scalars is joined with ``; ``) are kept on the document
(:attr:`~qualcode.core.model.ImportedDocument.front_matter`) and become attributes
of the document's case.

Markdown markup is removed from the stored text, so that a quote reads as the words
that were said: ``**x**``, ``__x__``, ``*x*``, ``_x_``, ``~~x~~``, `` `x` ``,
``[text](url)`` (the text stays), ``![alt](url)``, ``<https://...>``, heading marks,
list bullets, block quotes, horizontal rules, HTML comments and backslash escapes.
Each line stays on its line, so warnings name the file's own line numbers. A label
that was bold (``**Name:**``) is remembered as certain. A ``.txt`` file is cleaned
the same way when it looks like Markdown (bold labels, links or headings), with a
notice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from qualcode.core.model import ImportedDocument
from qualcode.errors import InputError
from qualcode.i18n import _, plural
from qualcode.importers.decode import decode_text, normalize, read_bytes
from qualcode.importers.speakers import SpeakerConfig, analyse_turns

_YAML_FRONT = re.compile(r"\A---[ \t]*\n(?P<body>.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_TOML_FRONT = re.compile(r"\A\+\+\+[ \t]*\n(?P<body>.*?\n)?\+\+\+[ \t]*(?:\n|\Z)", re.DOTALL)

_TIME = r"\d{1,2}(?::\d{2}){1,2}(?:[.,]\d{1,3})?"
_BOLD_LABEL = re.compile(
    r"^[ \t]*(?:[\[(]?" + _TIME + r"[\])]?[ \t]*(?:[-–—|][ \t]+)?)?"
    r"(\*\*|__)[^*_\n]{1,80}?(?:[ \t\u00a0]*:[ \t\u00a0]*\1|\1[ \t\u00a0]*:"
    r"|\1[ \t]*[_*]?[\[(]" + _TIME + r"[\])][_*]?)"
)
_LOOKS_MD = re.compile(
    r"(?m)^[ \t]*(?:\*\*[^*\n]{1,80}\*\*|__[^_\n]{1,80}__|#{1,6}[ \t]+\S)|\[[^\]\n]+\]\(https?://"
)

# line-level markup
_HR = re.compile(r"^[ \t]{0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_HEADING = re.compile(r"^([ \t]{0,3})#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_QUOTE = re.compile(r"^([ \t]{0,3})(?:>[ \t]?)+")
_BULLET = re.compile(r"^([ \t]*)[-*+][ \t]+(?=\S)")
# inline markup, in the order applied
_INLINE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"<!--.*?-->"), ""),
    (re.compile(r"!\[([^\]\n]*)\]\((?:[^()\s]|\([^)\s]*\))*(?:[ \t]+\"[^\"]*\")?\)"), r"\1"),
    (re.compile(r"\[([^\]\n]+)\]\((?:[^()\s]|\([^)\s]*\))*(?:[ \t]+\"[^\"]*\")?\)"), r"\1"),
    (re.compile(r"\[([^\]\n]+)\]\[[^\]\n]*\]"), r"\1"),
    (re.compile(r"<((?:https?|mailto):[^>\s]+)>"), r"\1"),
    (re.compile(r"`([^`\n]+)`"), r"\1"),
    (re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"), r"\1"),
    (re.compile(r"(?<![\w_])__(?=\S)(.+?)(?<=\S)__(?![\w_])"), r"\1"),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),
    (re.compile(r"(?<![\w*\\])\*(?=[^\s*])(.+?)(?<=[^\s*\\])\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w_\\])_(?=[^\s_])(.+?)(?<=[^\s_\\])_(?![\w_])"), r"\1"),
    (re.compile(r"</?(?:br|span|p|div|em|strong|b|i|u|sup|sub|mark)\b[^>]*>", re.I), ""),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!>~|])"), r"\1"),
)


def _finish(
    path: Path,
    text: str,
    fmt: str,
    encoding: str,
    notices: Iterable[str],
    speakers: SpeakerConfig | None,
    name: str | None,
    *,
    front_matter: dict[str, str] | None = None,
    line_offset: int = 0,
    bold_lines: Iterable[int] = (),
    plain_lines: Iterable[int] = (),
) -> ImportedDocument:
    if not text.strip():
        raise InputError(_("file has no text"), path=path, hint=_("nothing to import"))
    analysis = analyse_turns(
        text, speakers, bold_lines=frozenset(bold_lines), plain_lines=frozenset(plain_lines)
    )
    return ImportedDocument(
        name=name or path.stem,
        text=text,
        turns=analysis.turns,
        source_path=str(path),
        source_format=fmt,
        encoding=encoding,
        notices=tuple(notices),
        meta=dict(front_matter or {}),
        speakers=analysis.speakers,
        warnings=turn_warnings(analysis.unrecognised, analysis.kept, line_offset),
        front_matter=dict(front_matter or {}),
    )


def turn_warnings(
    unrecognised: Iterable[int], kept: Iterable[int], offset: int = 0
) -> tuple[str, ...]:
    """The import's warnings about label-like lines, with the file's line numbers."""
    out = []
    lines = [n + offset for n in unrecognised]
    if lines:
        out.append(
            plural(
                len(lines),
                "{n} paragraph looks like a speaker label that was not recognised "
                "(it is a turn without a speaker): line {where}",
                "{n} paragraphs look like speaker labels that were not recognised "
                "(each is a turn without a speaker): lines {where}",
                where=", ".join(map(str, lines)),
            )
        )
    inside = [n + offset for n in kept]
    if inside:
        out.append(
            plural(
                len(inside),
                "{n} line inside a turn looks like a speaker label of someone who speaks only "
                "there (kept in the turn): line {where}",
                "{n} lines inside turns look like a speaker label of someone who speaks only "
                "there (kept in the turn): lines {where}",
                where=", ".join(map(str, inside)),
            )
        )
    return tuple(out)


def strip_front_matter(text: str) -> tuple[str, dict[str, str], int]:
    """Remove a leading YAML (``---``) or TOML (``+++``) front matter block.

    Returns:
        The text after it, its simple keys as strings, and the number of lines
        removed (the block and the blank lines after it). Text that does not open
        with a block whose lines are ``key: value`` (or ``key = value``) is
        returned unchanged.
    """
    for pattern, parse in ((_YAML_FRONT, _yaml_keys), (_TOML_FRONT, _toml_keys)):
        m = pattern.match(text)
        if not m:
            continue
        meta = parse(m.group("body") or "")
        if meta is None:
            continue
        rest = text[m.end() :]
        stripped = rest.lstrip("\n")
        removed = text[: m.end()].count("\n") + (len(rest) - len(stripped))
        return stripped, meta, removed
    return text, {}, 0


def _scalar(value: object) -> str | None:
    if value is None or isinstance(value, dict):
        return None
    if isinstance(value, list | tuple):
        items = [_scalar(v) for v in value]
        if any(i is None for i in items):
            return None
        return "; ".join(i for i in items if i is not None)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def _yaml_keys(body: str) -> dict[str, str] | None:
    """Simple keys of a YAML block (``None`` when it is not a mapping)."""
    import yaml

    try:
        data = yaml.safe_load(body) if body.strip() else {}
    except yaml.YAMLError:
        data = None
    if data is None and body.strip():
        # not valid YAML: keep the plain "key: value" lines
        data = {}
        for line in body.splitlines():
            if ":" in line and not line.startswith((" ", "\t", "-")):
                key, _, value = line.partition(":")
                data[key.strip()] = value.strip().strip("'\"")
        if not data:
            return None
    if not isinstance(data, dict):
        return None
    out = {}
    for key, value in data.items():
        text = _scalar(value)
        if text is not None and str(key).strip():
            out[str(key).strip()] = text
    return out


def _toml_keys(body: str) -> dict[str, str] | None:
    """Simple keys of a TOML block (before any ``[table]``)."""
    import tomllib

    try:
        data = tomllib.loads(body)
    except tomllib.TOMLDecodeError:
        data = {}
        for line in body.splitlines():
            key, sep, value = line.partition("=")
            if sep and key.strip() and not line.startswith((" ", "\t", "[")):
                data[key.strip()] = value.strip().strip("'\"")
        if not data:
            return None
    out = {}
    for key, value in data.items():
        text = _scalar(value)
        if text is not None:
            out[str(key)] = text
    return out


_MARKED_START = re.compile(r"^[ \t]*(?:!?\[[^\]\n]*\]\(|<https?:|https?://|www\.|`|[*_](?![*_]))")


def strip_markdown(text: str) -> tuple[str, set[int], set[int]]:
    """``text`` without Markdown markup, line for line; the 1-based lines whose
    speaker label was bold; and those that started with a link, an image, code, a
    URL or emphasis (never a speaker label, whatever the removal leaves)."""
    out: list[str] = []
    bold: set[int] = set()
    plain: set[int] = set()
    in_code = False
    for number, line in enumerate(text.split("\n"), start=1):
        if line.lstrip().startswith(("```", "~~~")):
            in_code = not in_code
            out.append("")
            continue
        if in_code:
            out.append(line)
            continue
        if _HR.match(line):
            out.append("")
            continue
        line = _QUOTE.sub(r"\1", line)
        heading = _HEADING.match(line)
        if heading:
            line = heading.group(1) + heading.group(2)
        line = _BULLET.sub(r"\1", line)
        if _BOLD_LABEL.match(line):
            bold.add(number)
        elif _MARKED_START.match(line):
            plain.add(number)
        for pattern, repl in _INLINE:
            line = pattern.sub(repl, line)
        out.append(line)
    return "\n".join(out), bold, plain


def looks_like_markdown(text: str) -> bool:
    """Bold labels or phrases, headings or links: Markdown saved as ``.txt``."""
    return bool(_LOOKS_MD.search(text))


def _read(
    path: Path, fmt: str, speakers: SpeakerConfig | None, name: str | None, encoding: str | None
) -> ImportedDocument:
    decoded = decode_text(read_bytes(path), path, encoding=encoding)
    text, meta, offset = strip_front_matter(normalize(decoded.text))
    notices = list(decoded.notices)
    if meta:
        notices.append(
            _(
                "front matter ({meta}) is not transcript text; its keys become attributes of the document's case"
            ).format(meta=", ".join(meta))
        )
    bold: set[int] = set()
    plain: set[int] = set()
    markdown = fmt == "md" or looks_like_markdown(text)
    if markdown:
        cleaned, bold, plain = strip_markdown(text)
        if fmt != "md" and cleaned != text:
            notices.append(_("the file looks like Markdown: its markup was removed from the text"))
        text = cleaned
    return _finish(
        path,
        text,
        fmt,
        decoded.encoding,
        notices,
        speakers,
        name,
        front_matter=meta,
        line_offset=offset,
        bold_lines=bold,
        plain_lines=plain,
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
    return _read(path, "txt", speakers, name, encoding)


def read_md(
    path: Path,
    *,
    speakers: SpeakerConfig | None = None,
    name: str | None = None,
    encoding: str | None = None,
) -> ImportedDocument:
    """Import a Markdown transcript: front matter and markup removed.

    Raises:
        InputError: missing, empty, binary or undecodable file.
    """
    return _read(path, "md", speakers, name, encoding)


def reread(
    text: str,
    fmt: str,
    speakers: SpeakerConfig | None = None,
    *,
    name: str = "",
) -> ImportedDocument:
    """A stored document's text read again under the current rules (``documents
    refresh``): front matter and Markdown markup removed from a text or Markdown
    transcript, turns, speakers and roles found again. Line numbers in warnings are
    the stored text's.
    """
    meta: dict[str, str] = {}
    offset = 0
    bold: set[int] = set()
    plain: set[int] = set()
    notices: list[str] = []
    if fmt in ("txt", "md"):
        text, meta, offset = strip_front_matter(text)
        if meta:
            notices.append(
                _(
                    "front matter ({meta}) is no longer transcript text; its keys become attributes of the document's case"
                ).format(meta=", ".join(meta))
            )
        if fmt == "md" or looks_like_markdown(text):
            cleaned, bold, plain = strip_markdown(text)
            if cleaned != text:
                notices.append(_("Markdown markup removed from the text"))
            text = cleaned
    analysis = analyse_turns(
        text, speakers, bold_lines=frozenset(bold), plain_lines=frozenset(plain)
    )
    return ImportedDocument(
        name=name,
        text=text,
        turns=analysis.turns,
        source_format=fmt,
        notices=tuple(notices),
        meta=dict(meta),
        speakers=analysis.speakers,
        warnings=turn_warnings(analysis.unrecognised, analysis.kept, offset),
        front_matter=dict(meta),
    )
