"""The pure domain: spans, codebook, matrices. Plain dataclasses, no I/O.

Nothing here imports Textual, SQLAlchemy, spaCy or a YAML library (an import-linter
contract and ``tests/test_boundaries.py`` keep it so).
"""
