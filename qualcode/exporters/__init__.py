"""Files out: core tables become CSV, XLSX, Markdown, JSON, SQLite, HTML. No access to the project.

Every exporter writes to a temporary file beside the target and renames it into
place, so an interrupted export never leaves half a file.
"""
