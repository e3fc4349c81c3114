"""No function in qualcode/ above cyclomatic complexity 20 (radon), checked by ``make check``.

A function above the limit is listed here by name until it is split; a listed function
that is no longer above it fails the test too, so the lists only shrink.
"""

from __future__ import annotations

from pathlib import Path

from radon.complexity import cc_visit

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 20

CLI_AND_TUI: set[tuple[str, str]] = {
    # Issue 18 point 2: these are in the front ends, which another engineer is editing
    # string by string right now; the integrator splits them and empties this list.
    ("qualcode/cli/project.py", "import_"),  # 33
    ("qualcode/tui/widgets/transcript_view.py", "TranscriptView._step"),  # 21
    ("qualcode/tui/widgets/transcript_view.py", "TranscriptView.render_line"),  # 26
}

NOT_YET_SPLIT: set[tuple[str, str]] = {
    # Issue 18 point 2, outside the front ends: above the limit today (the figure is
    # radon's, on this branch); each is split in the store/matrices restructure
    # (points 1 and 2) and taken off this list then.
    ("qualcode/core/agreement.py", "_code_tables"),  # 35
    ("qualcode/core/code_match.py", "CodeIndex._score"),  # 21
    ("qualcode/core/codebook.py", "_check_rules"),  # 24
    ("qualcode/core/codebook.py", "_check_token_attr"),  # 34
    ("qualcode/core/codebook.py", "validate_codebook_data"),  # 48
    ("qualcode/core/codebook_merge.py", "_Merge._fold"),  # 23
    ("qualcode/core/codebook_merge.py", "_Merge._merge_both"),  # 28
    ("qualcode/core/codebook_merge.py", "_Merge._weave"),  # 21
    ("qualcode/core/codebook_merge.py", "fold_code"),  # 33
    ("qualcode/core/narrate.py", "describe_action"),  # 70
    ("qualcode/core/neardup.py", "_id_prefix_raw"),  # 23
    ("qualcode/core/neardup.py", "find_near_duplicates"),  # 21
    ("qualcode/core/project_merge.py", "union_codebooks"),  # 39
    ("qualcode/core/project_merge_check.py", "_refuse_codes"),  # 27
    ("qualcode/core/project_merge_check.py", "document_problem"),  # 25
    ("qualcode/core/project_merge_check.py", "sanitize"),  # 39
    ("qualcode/core/refi.py", "parse_color"),  # 23
    ("qualcode/core/refi.py", "plan_code_import"),  # 44
    ("qualcode/core/review.py", "_decide"),  # 24
    ("qualcode/exporters/codebook_yaml.py", "render"),  # 25
    ("qualcode/exporters/html.py", "_cooccurrence"),  # 21
    ("qualcode/exporters/refi_qda.py", "project_xml"),  # 23
    ("qualcode/importers/attributes.py", "_read_csv"),  # 27
    ("qualcode/importers/decode.py", "_wide_without_bom"),  # 31
    ("qualcode/importers/pdf.py", "read_pdf"),  # 30
    ("qualcode/importers/pseudonyms.py", "read_pseudonyms"),  # 27
    ("qualcode/importers/refi_qda.py", "_Reader.check_references"),  # 37
    ("qualcode/importers/refi_qda.py", "_Reader.read_text"),  # 23
    ("qualcode/importers/refi_qda.py", "_Reader.sources"),  # 23
    ("qualcode/importers/refi_qda.py", "_Reader.text_source"),  # 31
    ("qualcode/importers/review_xlsx.py", "read_review_sheet"),  # 21
    ("qualcode/importers/speakers.py", "_decide"),  # 47
    ("qualcode/importers/speakers.py", "_roles"),  # 47
    ("qualcode/importers/speakers.py", "parse_label"),  # 22
    ("qualcode/importers/subtitles.py", "cues_to_blocks"),  # 29
    ("qualcode/nlp/autocode.py", "RuleMatcher.__init__"),  # 38
    ("qualcode/nlp/autocode.py", "RuleMatcher._compute"),  # 27
    ("qualcode/nlp/autocode.py", "RuleMatcher.match"),  # 42
    ("qualcode/nlp/morph.py", "_prefix_strips"),  # 39
    ("qualcode/services/autocode.py", "load_codings_file"),  # 23
    ("qualcode/services/cases.py", "import_attributes"),  # 22
    ("qualcode/services/documents.py", "refresh_documents"),  # 31
    ("qualcode/services/imports.py", "import_transcripts"),  # 32
    ("qualcode/services/refi_export.py", "_project_model"),  # 38
    ("qualcode/services/refi_export.py", "refi_model"),  # 26
    ("qualcode/services/refi_import.py", "_Planner.cases"),  # 21
    ("qualcode/services/refi_import.py", "_Planner.codings"),  # 35
    ("qualcode/services/refi_import.py", "_Planner.memos"),  # 47
    ("qualcode/services/refi_import.py", "_Planner.sources"),  # 22
    ("qualcode/services/selectors.py", "resolve_span"),  # 23
    ("qualcode/services/text_analysis.py", "_texts_by_group"),  # 28
    ("qualcode/settings.py", "load_settings"),  # 23
    ("qualcode/store/matrices.py", "Matrices._column_keys"),  # 58
    ("qualcode/store/matrices.py", "Matrices._resolve"),  # 46
    ("qualcode/store/matrices.py", "Matrices.cooccurrence"),  # 29
    ("qualcode/store/matrices.py", "Matrices.frequency_table"),  # 37
    ("qualcode/store/matrices.py", "Matrices.segments"),  # 38
    ("qualcode/store/matrices.py", "_count"),  # 35
    ("qualcode/store/search.py", "KwicSearch.search_text"),  # 35
    # merged with issues 14-16 follow-ups and 19 (themes): split in the same restructure
    ("qualcode/core/narrate.py", "_theme_action"),  # 35
    ("qualcode/core/project_merge.py", "ProjectMergeReport.changed"),  # 24
    ("qualcode/core/project_merge.py", "ProjectMergeReport.lines"),  # 24
    ("qualcode/core/thematic.py", "review_themes"),  # 22
    ("qualcode/core/theme_tables.py", "review_workbook"),  # 24
    ("qualcode/services/refi_import.py", "_Planner.relations"),  # 32
    ("qualcode/services/refi_import.py", "_Planner.themes"),  # 58
    ("qualcode/tui/screens/theme_review.py", "ThemeReviewScreen.show"),  # 24
    ("qualcode/tui/screens/themes.py", "ThemesScreen._show_passages"),  # 28
    # merged with issue 20 (map and findings)
    ("qualcode/core/findings.py", "_Writer.by_dimensions"),  # 40
    ("qualcode/core/thematic_map.py", "build_map"),  # 53
    ("qualcode/core/thematic_map.py", "layout"),  # 49
    ("qualcode/services/refi_import.py", "_Planner.map_positions"),  # 21
    ("qualcode/tui/screens/thematic_map.py", "MapScreen.action_move"),  # 22
}


def too_complex() -> set[tuple[str, str]]:
    """(file, Class.method or function) of every block above the limit."""
    out: set[tuple[str, str]] = set()
    for path in sorted((ROOT / "qualcode").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if "/migrations/" in rel:
            continue
        for block in cc_visit(path.read_text(encoding="utf-8")):
            blocks = [block, *getattr(block, "methods", [])]
            for b in blocks:
                if b.complexity > LIMIT and type(b).__name__ != "Class":
                    name = f"{b.classname}.{b.name}" if getattr(b, "classname", None) else b.name
                    out.add((rel, name))
    return out


def test_no_function_above_complexity_20() -> None:
    found = too_complex()
    known = CLI_AND_TUI | NOT_YET_SPLIT
    assert sorted(found - known) == [], "split these functions (radon cc -s)"
    assert sorted(known - found) == [], "no longer above the limit: take them off the list"
