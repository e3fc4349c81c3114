"""spaCy, always lazily: the only package that imports it.

Blank ``id`` / ``en`` pipelines with the sentencizer and a lookup lemmatizer from
spacy-lookups-data; a trained pipeline is used when one is installed, never
downloaded.
"""
