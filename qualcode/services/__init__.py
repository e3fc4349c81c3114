"""Use cases shared by the CLI and the TUI, so neither repeats the other.

Each function takes a :class:`~qualcode.store.Project` (or opens one), calls
importers / nlp / exporters, and reports progress through an optional callback.
spaCy loads only inside the functions that segment text. One module per area;
everything is re-exported here (``from qualcode import services``).
"""

from qualcode.core.model import Progress
from qualcode.services.codebook import export_codebook, load_codebook, sync_codebook, write_back
from qualcode.services.imports import (
    SPEAKER_SETTINGS,
    ImportReport,
    import_transcripts,
    prepare_document,
    speaker_config,
)
from qualcode.services.projects import build_demo, demo_location, init_project
from qualcode.services.reports import (
    EXPORT_KINDS,
    FORMATS,
    ReportSummary,
    ReviewFileReport,
    apply_review_file,
    build_workbook,
    export_frequency,
    export_matrix,
    load_pseudonyms,
    support_sheets,
    write_report,
)
from qualcode.services.resources import default_codebook, resource_dir
from qualcode.services.selectors import resolve_span

__all__ = [
    "EXPORT_KINDS",
    "FORMATS",
    "ReportSummary",
    "ReviewFileReport",
    "apply_review_file",
    "build_workbook",
    "export_matrix",
    "load_pseudonyms",
    "support_sheets",
    "write_report",
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
    "resolve_span",
    "resource_dir",
    "speaker_config",
    "sync_codebook",
    "write_back",
]
