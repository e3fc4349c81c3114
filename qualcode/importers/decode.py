"""Bytes to normalized text: encodings, BOMs, NFC, newlines, and refusals.

The refusals here are the one-line messages of DESIGN.md: a missing file, a folder,
an empty file, a binary file, a file over the size limit, undecodable bytes.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from qualcode.errors import InputError
from qualcode.i18n import _

MAX_BYTES = 50 * 1024 * 1024
"""Largest transcript file accepted by default (50 MB; a 20,000-line transcript is
about 2 MB); ``QUALCODE_MAX_IMPORT_BYTES`` changes it."""


def max_bytes() -> int:
    """The transcript size limit: ``$QUALCODE_MAX_IMPORT_BYTES`` or :data:`MAX_BYTES`."""
    raw = os.environ.get("QUALCODE_MAX_IMPORT_BYTES", "")
    try:
        return int(raw) if raw.strip() else MAX_BYTES
    except ValueError:
        raise InputError(
            _("QUALCODE_MAX_IMPORT_BYTES={raw!r} is not a number of bytes").format(raw=raw),
            hint=_("e.g. QUALCODE_MAX_IMPORT_BYTES=100000000"),
        ) from None


@dataclass(frozen=True)
class Decoded:
    """Text as decoded, before normalization."""

    text: str
    encoding: str
    notices: tuple[str, ...] = ()


def read_bytes(path: Path, *, limit: int | None = None) -> bytes:
    """The file's bytes, after the checks every importer needs.

    Only a regular file is read (a FIFO, a device or a socket is refused, and
    opening never waits), and the size limit is enforced while reading.

    Raises:
        InputError: missing, a folder, not a regular file, unreadable, empty, or
            over the size limit.
    """
    from qualcode.files import read_limited

    limit = max_bytes() if limit is None else limit
    data = read_limited(path, limit=limit, hint=_("split it, or raise QUALCODE_MAX_IMPORT_BYTES"))
    if not data.strip():
        raise InputError(_("file is empty"), path=path, hint=_("nothing to import"))
    return data


def looks_binary(data: bytes) -> bool:
    """True for data with NUL bytes or many control characters (and no UTF-16 BOM)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = len(sample.translate(None, _NOT_CONTROL))  # counted in C, not per byte
    return controls > max(8, len(sample) // 100)


_NOT_CONTROL = bytes(b for b in range(256) if b >= 32 or b in (9, 10, 12, 13, 27))
"""The bytes :func:`looks_binary` does not count as control characters."""


def _position(data: bytes, index: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, index) + 1
    column = index - (data.rfind(b"\n", 0, index) + 1) + 1
    return line, column


_LATIN_FAMILY = re.compile(
    r"^(?:cp125[02478]|cp775|cp85[0278]|cp86[0135]|iso8859_(?:[1-49]|1[0345])|latin_1"
    r"|mac_(?:roman|latin2|iceland))$"
)
"""Single-byte encodings charset-normalizer confuses with Windows-1252 on short Western text."""

_CONTROL_CHARS = tuple(chr(c) for c in range(32) if chr(c) not in "\t\n\r\f")
"""Control characters that make decoded text implausible."""

_CP1252_EXTRAS = frozenset("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ")


def _plausible_western(text: str) -> bool:
    """True when every non-ASCII character is a Latin letter or common punctuation."""
    for ch in text:
        if ord(ch) < 128:
            continue
        if ch in _CP1252_EXTRAS:
            continue
        if "\u00a0" <= ch <= "\u00ff" and (ch.isalpha() or ch in "\u00a0«»°±·¿¡§©®"):
            continue
        return False
    return True


def _guess_single_byte(data: bytes) -> str | None:
    """The encoding of text that is not UTF-8: charset-normalizer decides, Windows-1252
    wins among the Western single-byte encodings it cannot tell apart."""
    from charset_normalizer import from_bytes  # ~20 ms: only for non-UTF-8 files

    try:
        cp1252: str | None = data.decode("cp1252")
    except UnicodeDecodeError:
        cp1252 = None
    best = from_bytes(data).best()
    if best is not None:
        enc = best.encoding
        if _LATIN_FAMILY.match(enc):
            if cp1252 is not None:
                return "cp1252"
            return enc
        if not enc.startswith(("utf_16", "utf_32")) and best.chaos < 0.1:
            return enc
    if cp1252 is not None and _plausible_western(cp1252):
        return "cp1252"
    return None


def _wide_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-32 or UTF-16 (either byte order) written without a byte-order mark: told
    by where the zero bytes fall in text that is mostly ASCII (Latin script:
    Indonesian, English), then checked by decoding strictly to sensible text.

    Returns:
        ``(encoding, text)``, or ``None`` when the data is not such text.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")) or len(data) < 4:
        return None
    candidates = _utf32_candidates(data) + _utf16_candidates(data)
    for name in candidates:
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        head = text[:20000]
        controls = sum(head.count(ch) for ch in _CONTROL_CHARS)
        if "\x00" not in text and controls <= max(2, len(text[:20000]) // 200):
            return name, text
    return None


def _utf32_candidates(data: bytes) -> list[str]:
    """UTF-32 byte orders whose zero bytes fall where ASCII-heavy text puts them."""
    candidates: list[str] = []
    sample = data[: 64 * 1024]
    n = len(sample) // 4
    if len(data) % 4 == 0 and n:
        zeros = [sample[k : n * 4 : 4].count(0) / n for k in range(4)]
        if zeros[1] > 0.9 and zeros[2] > 0.9 and zeros[3] > 0.9:
            candidates.append("utf-32-le")
        if zeros[0] > 0.9 and zeros[1] > 0.9 and zeros[2] > 0.9:
            candidates.append("utf-32-be")
    return candidates


def _utf16_candidates(data: bytes) -> list[str]:
    """UTF-16 byte orders whose zero bytes fall where ASCII-heavy text puts them."""
    candidates: list[str] = []
    sample = data[: 64 * 1024]
    n = len(sample) // 2
    if len(data) % 2 == 0 and n:
        even = sample[0 : n * 2 : 2].count(0) / n
        odd = sample[1 : n * 2 : 2].count(0) / n
        if odd > 0.6 and even < 0.1:
            candidates.append("utf-16-le")
        if even > 0.6 and odd < 0.1:
            candidates.append("utf-16-be")
    return candidates


def decode_text(data: bytes, path: Path, *, encoding: str | None = None) -> Decoded:
    """Decode transcript bytes.

    UTF-8 (with or without BOM) and UTF-16/UTF-32 with BOM are read as such, and
    UTF-16/UTF-32 without a BOM are recognised by their zero bytes (a notice says
    so). Other bytes go to charset-normalizer; Windows-1252 (a superset of Latin-1's letters) is
    preferred among the Western single-byte encodings it cannot tell apart on short
    text, and the encoding used is reported as a notice. ``encoding`` overrides all,
    the check for binary data included (UTF-16 is full of zero bytes).

    Raises:
        InputError: binary data, bytes no encoding explains, or bytes that are not
            valid in the given ``encoding``.
    """
    if encoding:
        try:
            text = data.decode(encoding)
            sample = text[:20000]
            controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\x1b")
            if controls > max(8, len(sample) // 100):
                raise InputError(
                    _(
                        "read as {encoding} this is not text ({controls} control characters in the first {n:,})"
                    ).format(encoding=encoding, controls=controls, n=len(sample)),
                    path=path,
                    hint=_("check --encoding (UTF-16 is utf-16-le or utf-16-be)"),
                )
            return Decoded(text, encoding)
        except UnicodeDecodeError as exc:
            line, col = _position(data, exc.start)
            raise InputError(
                _("not valid {encoding} (byte 0x{data:02x})").format(
                    encoding=encoding, data=data[exc.start]
                ),
                path=path,
                line=line,
                column=col,
                hint=_("check --encoding"),
            ) from None
        except LookupError:
            raise InputError(
                _("unknown encoding {encoding!r}").format(encoding=encoding),
                hint=_("e.g. --encoding cp1252"),
            ) from None
    wide = _wide_without_bom(data)
    if wide is not None:
        name, decoded = wide
        return Decoded(
            decoded,
            name,
            (
                f"{path}: {name.upper()} without a byte-order mark; read as {name} "
                "(pass --encoding to read it otherwise)",
            ),
        )
    if looks_binary(data):
        raise InputError(
            _("is a binary file, not a text transcript"),
            path=path,
            hint=_("import .txt, .md and other supported formats"),
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        bom = True
    else:
        bom = False
    for mark, name in ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32")):
        if data.startswith(mark):
            try:
                return Decoded(data.decode(name), name)
            except UnicodeDecodeError:
                raise InputError(_("broken UTF-32 text"), path=path) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return Decoded(data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError as exc:
            line, col = _position(data, exc.start)
            raise InputError(_("broken UTF-16 text"), path=path, line=line, column=col) from None
    try:
        return Decoded(data.decode("utf-8"), "utf-8-sig" if bom else "utf-8")
    except UnicodeDecodeError as exc:
        if bom:
            line, col = _position(data, exc.start)
            raise InputError(
                _(
                    "not valid UTF-8 although it starts with a UTF-8 mark (byte 0x{data:02x})"
                ).format(data=data[exc.start]),
                path=path,
                line=line,
                column=col,
                hint=_("save the file as UTF-8, or pass --encoding"),
            ) from None
    guessed = _guess_single_byte(data)
    if guessed is None:
        raise InputError(
            _("cannot tell the text encoding (not UTF-8, and no other encoding fits)"),
            path=path,
            hint=_("save the file as UTF-8, or pass --encoding"),
        )
    return Decoded(
        data.decode(guessed),
        guessed,
        (f"{path}: not UTF-8; read as {guessed} (check accented letters, or pass --encoding)",),
    )


def normalize(text: str) -> str:
    """NFC, ``\\n`` newlines, no BOM, no NUL."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "").replace("\x00", "")
    return unicodedata.normalize("NFC", text)
