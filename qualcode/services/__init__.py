"""Use cases shared by the CLI and the TUI, so neither repeats the other.

Each function takes a :class:`~qualcode.store.Project` (or opens one), calls
importers / nlp / exporters, and reports progress through an optional callback.
spaCy loads only inside the functions that segment text. One module per area;
everything is re-exported here (``from qualcode import services``) and
loaded on first use, so a command imports only the areas it calls.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Two functions share their name with their module: bound here, once, so that no
# later import of the module (which sets the package's attribute to the module)
# can come first.
from qualcode.services.autocode import autocode
from qualcode.services.search import search

if TYPE_CHECKING:
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
    from qualcode.services.codebook import (
        CodebookEdit,
        InVivo,
        create_in_vivo,
        edit_codebook,
        export_codebook,
        load_codebook,
        sync_codebook,
        write_back,
    )
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
        RefiImportRun,
        import_refi,
        import_refi_project,
        import_refi_reads,
        read_refi_file,
        read_refi_files,
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
        adjudication_pair,
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

_WHERE: dict[str, str] = {
    "RefiImportRun": "qualcode.services.refi_import",
    "import_refi_project": "qualcode.services.refi_import",
    "import_refi_reads": "qualcode.services.refi_import",
    "read_refi_files": "qualcode.services.refi_import",
    "adjudication_pair": "qualcode.services.team",
    "CodebookEdit": "qualcode.services.codebook",
    "InVivo": "qualcode.services.codebook",
    "create_in_vivo": "qualcode.services.codebook",
    "edit_codebook": "qualcode.services.codebook",
    "accept_all": "qualcode.services.autocode",
    "adopt_codebook": "qualcode.services.projects",
    "agreement_report": "qualcode.services.team",
    "apply_review_file": "qualcode.services.reports",
    "AttributeReport": "qualcode.services.cases",
    "auto_backup": "qualcode.services.backups",
    "AutocodeReport": "qualcode.services.autocode",
    "backup_project": "qualcode.services.team",
    "build_demo": "qualcode.services.projects",
    "build_workbook": "qualcode.services.reports",
    "check_ancestor": "qualcode.services.codebook_merge",
    "check_lang": "qualcode.services.imports",
    "codebook_title": "qualcode.services.projects",
    "default_codebook": "qualcode.services.resources",
    "delete_document": "qualcode.services.documents",
    "demo_location": "qualcode.services.projects",
    "demo_transcripts": "qualcode.services.projects",
    "describe": "qualcode.services.narrate",
    "describe_pending": "qualcode.services.narrate",
    "diff_files": "qualcode.services.codebook_merge",
    "document_case": "qualcode.services.documents",
    "evaluate_rules": "qualcode.services.autocode",
    "expand_codes": "qualcode.services.autocode",
    "explain": "qualcode.services.autocode",
    "BundleSummary": "qualcode.services.bundle",
    "export_bundle": "qualcode.services.bundle",
    "export_codebook": "qualcode.services.codebook",
    "export_frequency": "qualcode.services.reports",
    "EXPORT_KINDS": "qualcode.services.reports",
    "export_kwic": "qualcode.services.text_analysis",
    "export_matrix": "qualcode.services.reports",
    "export_qdc": "qualcode.services.refi_export",
    "export_qdpx": "qualcode.services.refi_export",
    "export_words": "qualcode.services.text_analysis",
    "ExportSummary": "qualcode.services.refi_export",
    "find_codebooks": "qualcode.services.projects",
    "find_transcripts": "qualcode.services.projects",
    "FORMATS": "qualcode.services.reports",
    "import_attributes": "qualcode.services.cases",
    "import_codings": "qualcode.services.autocode",
    "import_refi": "qualcode.services.refi_import",
    "import_transcripts": "qualcode.services.imports",
    "ImportCancelled": "qualcode.services.imports",
    "ImportReport": "qualcode.services.imports",
    "init_project": "qualcode.services.projects",
    "keyword_in_context": "qualcode.services.text_analysis",
    "link_case": "qualcode.services.documents",
    "load_codebook": "qualcode.services.codebook",
    "load_codings_file": "qualcode.services.autocode",
    "load_pseudonyms": "qualcode.services.reports",
    "load_side": "qualcode.services.codebook_merge",
    "looks_like_transcript": "qualcode.services.projects",
    "make_explainer": "qualcode.services.autocode",
    "match_documents": "qualcode.services.autocode",
    "merge_driver": "qualcode.services.codebook_merge",
    "merge_files": "qualcode.services.codebook_merge",
    "merge_project": "qualcode.services.team",
    "MergeInputError": "qualcode.services.codebook_merge",
    "MergeReport": "qualcode.services.codebook_merge",
    "prepare_document": "qualcode.services.imports",
    "Progress": "qualcode.core.model",
    "read_refi_file": "qualcode.services.refi_import",
    "redo": "qualcode.services.history",
    "ReferenceCodings": "qualcode.services.autocode",
    "refi_model": "qualcode.services.refi_export",
    "RefiImportReport": "qualcode.services.refi_import",
    "refresh_documents": "qualcode.services.documents",
    "RefreshResult": "qualcode.services.documents",
    "rename_document": "qualcode.services.documents",
    "ReportSummary": "qualcode.services.reports",
    "resolve_span": "qualcode.services.selectors",
    "resource_dir": "qualcode.services.resources",
    "restore_location": "qualcode.services.team",
    "restore_project": "qualcode.services.team",
    "ReviewFileReport": "qualcode.services.reports",
    "search_kwic": "qualcode.services.search",
    "set_speakers": "qualcode.services.imports",
    "shipped_codebooks": "qualcode.services.projects",
    "speaker_config": "qualcode.services.imports",
    "SPEAKER_SETTINGS": "qualcode.services.imports",
    "start_project": "qualcode.services.projects",
    "support_sheets": "qualcode.services.reports",
    "sync_codebook": "qualcode.services.codebook",
    "undo": "qualcode.services.history",
    "word_frequencies": "qualcode.services.text_analysis",
    "write_agreement": "qualcode.services.team",
    "write_back": "qualcode.services.codebook",
    "write_report": "qualcode.services.reports",
}
"""Each name of ``__all__`` -> the module that defines it."""

__all__ = [
    "RefiImportRun",
    "import_refi_project",
    "import_refi_reads",
    "read_refi_files",
    "adjudication_pair",
    "CodebookEdit",
    "InVivo",
    "create_in_vivo",
    "edit_codebook",
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


if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        """``services.NAME``: import NAME's module on first use (PEP 562)."""
        module = _WHERE.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        globals()[name] = value
        return value
