"""User settings: who is coding, theme, key remapping.

Settings live in ``$XDG_CONFIG_HOME/qualcode/settings.yaml`` (platformdirs); the
environment overrides them (``QUALCODE_CODER``), and command-line options override
both. Tests point ``QUALCODE_CONFIG_DIR`` at an empty folder so no developer's
settings leak in.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qualcode.errors import InputError


def config_dir() -> Path:
    """The folder holding ``settings.yaml``."""
    override = os.environ.get("QUALCODE_CONFIG_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_config_dir("qualcode", appauthor=False))


def data_dir() -> Path:
    """The folder holding the demo project and backups."""
    override = os.environ.get("QUALCODE_DATA_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir("qualcode", appauthor=False))


@dataclass
class Settings:
    """Typed user settings."""

    coder: str | None = None
    """The name recorded on every coding and action (default: the login name)."""

    theme: str = "textual-dark"
    """The Textual theme of the workbench (``textual-light`` for a light one)."""

    keymap: dict[str, str] = field(default_factory=dict)
    """Binding id -> keys, e.g. ``{"apply-code-picker": "enter,c"}``."""

    label_lang: str | None = None
    """Which label translation to show first (``id`` or ``en``)."""

    raw_csv: bool = False
    """CSV exports write text that starts like a spreadsheet formula (``=``, ``+``,
    ``-``, ``@``) as it is, for analysis scripts; by default such a cell gets a
    leading ``'`` so Excel or LibreOffice shows it instead of running it."""


FIELDS = ("coder", "theme", "keymap", "label_lang", "raw_csv")


def load_settings(path: Path | None = None) -> Settings:
    """Read the settings file; a missing file gives the defaults.

    Raises:
        InputError: when the file is not valid YAML or has an unknown key.
    """
    path = path or config_dir() / "settings.yaml"
    if not path.exists():
        return Settings()
    import yaml

    from qualcode.files import read_limited

    raw = read_limited(path, limit=1024 * 1024, what="settings file")
    try:
        data: Any = yaml.safe_load(raw.decode("utf-8-sig")) or {}
    except UnicodeDecodeError:
        raise InputError("settings are not valid UTF-8", path=path) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(
            f"settings are not valid YAML: {getattr(exc, 'problem', exc)}",
            path=path,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
    if not isinstance(data, dict):
        raise InputError("settings must be a mapping", path=path)
    for key in data:
        if key not in FIELDS:
            raise InputError(
                f"unknown setting {key!r}", path=path, hint="known: " + ", ".join(FIELDS)
            )
    keymap = data.get("keymap") or {}
    if not isinstance(keymap, dict):
        raise InputError("'keymap' must map binding ids to keys", path=path)
    return Settings(
        coder=data.get("coder"),
        theme=data.get("theme") or "textual-dark",
        keymap={str(k): str(v) for k, v in keymap.items()},
        label_lang=data.get("label_lang"),
        raw_csv=bool(data.get("raw_csv", False)),
    )


def default_coder(settings: Settings | None = None) -> str:
    """``$QUALCODE_CODER``, else the settings' coder, else the login name."""
    env = os.environ.get("QUALCODE_CODER")
    if env:
        return env
    if settings is None:
        try:
            settings = load_settings()
        except InputError:
            settings = Settings()
    if settings.coder:
        return settings.coder
    try:
        return getpass.getuser()
    except Exception:  # no login name (containers): still a stable name
        return "coder"


def raw_csv() -> bool:
    """Whether CSV cells are written as they are: ``QUALCODE_RAW_CSV=1``, else the
    ``raw_csv`` setting (default: formula-like text is neutralised)."""
    env = os.environ.get("QUALCODE_RAW_CSV")
    if env is not None and env.strip():
        return env.strip().lower() in ("1", "true", "yes", "on")
    try:
        return load_settings().raw_csv
    except InputError:
        return False
