"""qualcode: a keyboard-first terminal workbench for qualitative interview coding.

This module stays import-free on purpose: ``import qualcode.core`` must never pay for
Textual, SQLAlchemy or spaCy. Heavy libraries load inside the functions that need them.
"""

__version__ = "0.1.0"
