"""User settings: who is coding, theme, key remapping, pane widths.

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
from qualcode.i18n import _


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

    ui_language: str | None = None
    """The interface language (``en`` or ``id``); unset: ``QUALCODE_UI_LANG`` or the
    locale decides. ``--ui-lang`` overrides it."""

    pane_widths: dict[str, int] = field(default_factory=dict)
    """Columns of the workbench's side panes as the user set them with ``<`` and ``>``
    (``{"codebook": 44, "documents": 24}``); a pane not named here sizes to its content."""


FIELDS = ("coder", "theme", "keymap", "label_lang", "raw_csv", "pane_widths", "ui_language")
PANES = ("codebook", "documents")
"""The side panes whose width can be set."""


def load_settings(path: Path | None = None) -> Settings:
    """Read the settings file; a missing file gives the defaults.

    Raises:
        InputError: when the file is not valid YAML or has an unknown key.
    """
    path = path or config_dir() / "settings.yaml"
    if not path.exists():
        return Settings()
    data = _read_settings(path)
    keymap = data.get("keymap") or {}
    if not isinstance(keymap, dict):
        raise InputError(_("'keymap' must map binding ids to keys"), path=path)
    widths = _pane_widths(data, path)
    ui = _ui_language(data, path)
    return Settings(
        coder=data.get("coder"),
        ui_language=ui,
        theme=data.get("theme") or "textual-dark",
        keymap={str(k): str(v) for k, v in keymap.items()},
        label_lang=data.get("label_lang"),
        raw_csv=bool(data.get("raw_csv", False)),
        pane_widths={str(k): int(v) for k, v in widths.items()},
    )


def _read_settings(path: Path) -> dict[Any, Any]:
    """The settings file as a mapping of known keys."""
    import yaml

    from qualcode.files import read_limited

    raw = read_limited(path, limit=1024 * 1024, what="settings file")
    try:
        data: Any = yaml.safe_load(raw.decode("utf-8-sig")) or {}
    except UnicodeDecodeError:
        raise InputError(_("settings are not valid UTF-8"), path=path) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(
            _("settings are not valid YAML: {problem}").format(
                problem=getattr(exc, "problem", exc)
            ),
            path=path,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
    if not isinstance(data, dict):
        raise InputError(_("settings must be a mapping"), path=path)
    for key in data:
        if key not in FIELDS:
            raise InputError(
                _("unknown setting {key!r}").format(key=key),
                path=path,
                hint=_("known: {fields}").format(fields=", ".join(FIELDS)),
            )
    return data


def _pane_widths(data: dict[Any, Any], path: Path) -> dict[Any, Any]:
    """The ``pane_widths`` setting, checked (known panes, 8 to 400 columns)."""
    widths = data.get("pane_widths") or {}
    if not isinstance(widths, dict) or any(
        k not in PANES or not isinstance(v, int) or isinstance(v, bool) or not 8 <= v <= 400
        for k, v in widths.items()
    ):
        raise InputError(
            _("'pane_widths' must map codebook and documents to columns (8-400)"),
            path=path,
            hint=_(
                "e.g. pane_widths: {codebook: 44}; delete it to size the panes to their content"
            ),
        )
    return widths


def _ui_language(data: dict[Any, Any], path: Path) -> str | None:
    """The ``ui_language`` setting as a language code (``en`` or ``id``), or None."""
    ui = data.get("ui_language")
    from qualcode.i18n import normalize

    if ui is not None and normalize(str(ui)) is None:
        raise InputError(
            _("'ui_language' must be en or id, not {value!r}").format(value=ui),
            path=path,
            hint=_("ui_language: id for Bahasa Indonesia, en for English"),
        )
    return normalize(str(ui)) if ui is not None else None


def save_setting(key: str, value: Any, path: Path | None = None) -> Path:
    """Set one key of the settings file (``None`` removes it), keeping the file's other
    keys, order and comments.

    Returns:
        The settings file written.

    Raises:
        InputError: an unknown key, or a settings file that is not a YAML mapping.
        OSError: the file cannot be written.
    """
    if key not in FIELDS:
        raise InputError(
            _("unknown setting {key!r}").format(key=key),
            hint=_("known: {fields}").format(fields=", ".join(FIELDS)),
        )
    path = path or config_dir() / "settings.yaml"
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    yaml = YAML()
    yaml.preserve_quotes = True
    data: Any = None
    if path.exists():
        try:
            data = yaml.load(path.read_text(encoding="utf-8"))
        except YAMLError as exc:
            raise InputError(
                _("settings are not valid YAML: {problem}").format(problem=exc), path=path
            ) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError(_("settings must be a mapping"), path=path)
    if value is None or value == {}:
        data.pop(key, None)
    else:
        data[key] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    import io

    out = io.StringIO()
    yaml.dump(data, out)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(out.getvalue() if data else "", encoding="utf-8")
    os.replace(tmp, path)
    return path


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


def ui_language() -> str | None:
    """The interface language the environment or the settings ask for:
    ``QUALCODE_UI_LANG``, else ``ui_language`` in the settings (``None``: the locale
    decides). A broken settings file is reported where the settings are used, not here."""
    from qualcode.i18n import normalize

    env = normalize(os.environ.get("QUALCODE_UI_LANG"))
    if env:
        return env
    path = config_dir() / "settings.yaml"
    if not path.exists():
        return None
    try:
        return load_settings(path).ui_language
    except InputError:
        return None


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
