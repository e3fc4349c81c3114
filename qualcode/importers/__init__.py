"""Files in: transcripts and codebooks become core dataclasses. No database access.

Every importer is a pure function of a file; each has bad-input tests.
"""
