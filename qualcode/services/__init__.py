"""Use cases shared by the CLI and the TUI, so neither repeats the other.

Each function takes a :class:`~qualcode.store.Project` (or opens one), calls
importers / nlp / exporters, and reports progress through an optional callback.
spaCy loads only inside the functions that segment text. One module per area;
everything is re-exported here (``from qualcode import services``).
"""

from qualcode.core.model import Progress
from qualcode.services.autocode import (
    AutocodeReport,
    ReferenceCodings,
    accept_all,
    autocode,
    evaluate_rules,
    expand_codes,
    explain,
    import_codings,
    load_codings_file,
    make_explainer,
    match_documents,
)
from qualcode.services.codebook import export_codebook, load_codebook, sync_codebook, write_back
from qualcode.services.export import export_frequency
from qualcode.services.imports import (
    SPEAKER_SETTINGS,
    ImportReport,
    import_transcripts,
    prepare_document,
    speaker_config,
)
from qualcode.services.projects import build_demo, demo_location, init_project
from qualcode.services.resources import default_codebook, resource_dir
from qualcode.services.selectors import resolve_span
from qualcode.services.text_analysis import (
    export_kwic,
    export_words,
    keyword_in_context,
    word_frequencies,
)

__all__ = [
    "SPEAKER_SETTINGS",
    "AutocodeReport",
    "ImportReport",
    "Progress",
    "ReferenceCodings",
    "accept_all",
    "autocode",
    "evaluate_rules",
    "expand_codes",
    "explain",
    "export_kwic",
    "export_words",
    "import_codings",
    "load_codings_file",
    "make_explainer",
    "match_documents",
    "build_demo",
    "default_codebook",
    "demo_location",
    "export_codebook",
    "export_frequency",
    "import_transcripts",
    "init_project",
    "keyword_in_context",
    "load_codebook",
    "prepare_document",
    "resolve_span",
    "resource_dir",
    "speaker_config",
    "sync_codebook",
    "word_frequencies",
    "write_back",
]
