"""Use cases shared by the CLI and the TUI, so neither repeats the other.

Each function takes a :class:`~qualcode.store.Project` (or opens one), calls
importers / nlp / exporters, and reports progress through an optional callback.
spaCy loads only inside the functions that segment text. One module per area;
everything is re-exported here (``from qualcode import services``).
"""

from qualcode.core.model import Progress
from qualcode.services.codebook import export_codebook, load_codebook, sync_codebook, write_back
from qualcode.services.export import export_frequency
from qualcode.services.history import redo, undo
from qualcode.services.imports import (
    SPEAKER_SETTINGS,
    ImportReport,
    import_transcripts,
    prepare_document,
    speaker_config,
)
from qualcode.services.projects import build_demo, demo_location, init_project
from qualcode.services.resources import default_codebook, resource_dir
from qualcode.services.search import search
from qualcode.services.selectors import resolve_span

__all__ = [
    "SPEAKER_SETTINGS",
    "ImportReport",
    "Progress",
    "build_demo",
    "default_codebook",
    "demo_location",
    "export_codebook",
    "export_frequency",
    "import_transcripts",
    "init_project",
    "load_codebook",
    "prepare_document",
    "redo",
    "resolve_span",
    "resource_dir",
    "search",
    "speaker_config",
    "sync_codebook",
    "undo",
    "write_back",
]
