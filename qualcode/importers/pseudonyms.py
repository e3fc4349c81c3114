"""A name map (real name -> pseudonym) from YAML or CSV.

YAML: a mapping ``{real: pseudonym}`` (or ``names:`` holding one). CSV: two columns
``real,pseudonym`` (a header row with those words is skipped). Every problem is one
line with the file and line.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from qualcode.errors import InputError
from qualcode.i18n import _
from qualcode.importers.decode import decode_text, normalize, read_bytes


def read_pseudonyms(path: Path) -> dict[str, str]:
    """Read a name map.

    Raises:
        InputError: unreadable file, not a mapping / two columns, an empty name,
            or one real name given two different pseudonyms.
    """
    data = read_bytes(path, limit=5 * 1024 * 1024)
    text = normalize(decode_text(data, path).text)
    if path.suffix.lower() in (".csv", ".tsv", ".txt"):
        pairs = _csv_pairs(path, text)
    else:
        pairs = _yaml_pairs(path, text)
    out: dict[str, str] = {}
    for real, pseudo, line in pairs:
        if real.casefold() in {k.casefold() for k in out} and out.get(real) != pseudo:
            raise InputError(
                _("{real!r} has two pseudonyms").format(real=real),
                path=path,
                line=line,
                hint=_("keep one"),
            )
        out[real] = pseudo
    if not out:
        raise InputError(_("the name map is empty"), path=path)
    return out


def _csv_pairs(path: Path, text: str) -> list[tuple[str, str, int | None]]:
    """(real, pseudonym, line) of every row of a CSV/TSV name map."""
    pairs: list[tuple[str, str, int | None]] = []
    dialect = "excel-tab" if path.suffix.lower() == ".tsv" else "excel"
    for n, row in enumerate(csv.reader(io.StringIO(text), dialect=dialect), start=1):
        line: int | None = n
        cells = [c.strip() for c in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if n == 1 and [c.lower() for c in cells[:2]] in (
            ["real", "pseudonym"],
            ["name", "pseudonym"],
        ):
            continue
        if len(cells) < 2 or not cells[0] or not cells[1]:
            raise InputError(_("expected two columns: real name, pseudonym"), path=path, line=line)
        pairs.append((cells[0], cells[1], line))
    return pairs


def _yaml_pairs(path: Path, text: str) -> list[tuple[str, str, int | None]]:
    """(real, pseudonym, line) of every entry of a YAML name map."""
    from qualcode.importers.codebook_yaml import load_yaml

    pairs: list[tuple[str, str, int | None]] = []
    loaded = load_yaml(text, str(path))
    value = loaded.data
    if isinstance(value, dict) and set(value) == {"names"}:
        value = value["names"]
    if not isinstance(value, dict):
        raise InputError(
            _("a name map must be a mapping of real names to pseudonyms"),
            path=path,
            hint=_("e.g. 'Siti Aminah: Participant 1'"),
        )
    for real, pseudo in value.items():
        pos = loaded.positions.get(("names", real)) or loaded.positions.get((real,))
        line = pos[0] if pos else None
        if (
            not isinstance(real, str)
            or not isinstance(pseudo, str | int)
            or not str(pseudo).strip()
        ):
            raise InputError(
                _("{real!r} needs a pseudonym (text)").format(real=real), path=path, line=line
            )
        pairs.append((real.strip(), str(pseudo).strip(), line))
    return pairs
