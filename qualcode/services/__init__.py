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
from qualcode.services.backups import auto_backup
from qualcode.services.cases import AttributeReport, import_attributes
from qualcode.services.codebook import export_codebook, load_codebook, sync_codebook, write_back
from qualcode.services.history import redo, undo
from qualcode.services.imports import (
    SPEAKER_SETTINGS,
    ImportCancelled,
    ImportReport,
    import_transcripts,
    prepare_document,
    set_speakers,
    speaker_config,
)
from qualcode.services.merge import (
    MergeInputError,
    MergeReport,
    check_ancestor,
    diff_files,
    load_side,
    merge_driver,
    merge_files,
)
from qualcode.services.narrate import describe, describe_pending
from qualcode.services.projects import (
    adopt_codebook,
    build_demo,
    codebook_title,
    demo_location,
    demo_transcripts,
    find_codebooks,
    find_transcripts,
    init_project,
    looks_like_transcript,
    shipped_codebooks,
    start_project,
)
from qualcode.services.refi import (
    ExportSummary,
    RefiImportReport,
    export_qdc,
    export_qdpx,
    import_refi,
    read_refi_file,
    refi_model,
)
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
from qualcode.services.search import search, search_kwic
from qualcode.services.selectors import resolve_span
from qualcode.services.team import (
    agreement_report,
    backup_project,
    merge_project,
    restore_location,
    restore_project,
    write_agreement,
)
from qualcode.services.text_analysis import (
    export_kwic,
    export_words,
    keyword_in_context,
    word_frequencies,
)

__all__ = [
    "AttributeReport",
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
    "ExportSummary",
    "ImportCancelled",
    "AutocodeReport",
    "ImportReport",
    "MergeInputError",
    "MergeReport",
    "RefiImportReport",
    "Progress",
    "agreement_report",
    "auto_backup",
    "backup_project",
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
    "check_ancestor",
    "default_codebook",
    "demo_location",
    "describe",
    "describe_pending",
    "diff_files",
    "export_codebook",
    "export_frequency",
    "export_qdc",
    "export_qdpx",
    "import_refi",
    "import_attributes",
    "import_transcripts",
    "init_project",
    "adopt_codebook",
    "demo_transcripts",
    "codebook_title",
    "find_codebooks",
    "find_transcripts",
    "looks_like_transcript",
    "shipped_codebooks",
    "start_project",
    "keyword_in_context",
    "load_codebook",
    "load_side",
    "merge_driver",
    "merge_files",
    "merge_project",
    "prepare_document",
    "read_refi_file",
    "refi_model",
    "resolve_span",
    "resource_dir",
    "restore_location",
    "restore_project",
    "redo",
    "search",
    "search_kwic",
    "set_speakers",
    "speaker_config",
    "sync_codebook",
    "write_agreement",
    "word_frequencies",
    "undo",
    "write_back",
]
