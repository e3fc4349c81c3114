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
from qualcode.services.bundle import BundleSummary, export_bundle
from qualcode.services.cases import AttributeReport, import_attributes
from qualcode.services.codebook import export_codebook, load_codebook, sync_codebook, write_back
from qualcode.services.codebook_merge import (
    MergeInputError,
    MergeReport,
    check_ancestor,
    diff_files,
    load_side,
    merge_driver,
    merge_files,
)
from qualcode.services.documents import (
    RefreshResult,
    delete_document,
    document_case,
    link_case,
    refresh_documents,
    rename_document,
)
from qualcode.services.history import redo, undo
from qualcode.services.imports import (
    SPEAKER_SETTINGS,
    ImportCancelled,
    ImportReport,
    check_lang,
    import_transcripts,
    prepare_document,
    set_speakers,
    speaker_config,
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
from qualcode.services.refi_export import (
    ExportSummary,
    export_qdc,
    export_qdpx,
    refi_model,
)
from qualcode.services.refi_import import (
    RefiImportReport,
    import_refi,
    read_refi_file,
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
    "accept_all",
    "adopt_codebook",
    "agreement_report",
    "apply_review_file",
    "AttributeReport",
    "auto_backup",
    "autocode",
    "AutocodeReport",
    "backup_project",
    "build_demo",
    "build_workbook",
    "check_ancestor",
    "check_lang",
    "codebook_title",
    "default_codebook",
    "delete_document",
    "demo_location",
    "demo_transcripts",
    "describe",
    "describe_pending",
    "diff_files",
    "document_case",
    "evaluate_rules",
    "expand_codes",
    "explain",
    "BundleSummary",
    "export_bundle",
    "export_codebook",
    "export_frequency",
    "EXPORT_KINDS",
    "export_kwic",
    "export_matrix",
    "export_qdc",
    "export_qdpx",
    "export_words",
    "ExportSummary",
    "find_codebooks",
    "find_transcripts",
    "FORMATS",
    "import_attributes",
    "import_codings",
    "import_refi",
    "import_transcripts",
    "ImportCancelled",
    "ImportReport",
    "init_project",
    "keyword_in_context",
    "link_case",
    "load_codebook",
    "load_codings_file",
    "load_pseudonyms",
    "load_side",
    "looks_like_transcript",
    "make_explainer",
    "match_documents",
    "merge_driver",
    "merge_files",
    "merge_project",
    "MergeInputError",
    "MergeReport",
    "prepare_document",
    "Progress",
    "read_refi_file",
    "redo",
    "ReferenceCodings",
    "refi_model",
    "RefiImportReport",
    "refresh_documents",
    "RefreshResult",
    "rename_document",
    "ReportSummary",
    "resolve_span",
    "resource_dir",
    "restore_location",
    "restore_project",
    "ReviewFileReport",
    "search",
    "search_kwic",
    "set_speakers",
    "shipped_codebooks",
    "speaker_config",
    "SPEAKER_SETTINGS",
    "start_project",
    "support_sheets",
    "sync_codebook",
    "undo",
    "word_frequencies",
    "write_agreement",
    "write_back",
    "write_report",
]
