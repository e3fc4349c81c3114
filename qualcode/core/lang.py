"""Telling Indonesian from English by their commonest words. Pure and fast."""

from __future__ import annotations

import re

_ID = frozenset(
    """yang dan di ini itu dengan untuk tidak dari dalam akan pada juga saya kami kita
    ada sudah bisa atau karena jadi tapi kalau sama mau lagi harus belum masih seperti
    ya iya nggak gak enggak kan sih aja nah gitu bapak ibu pak bu kok terus buat""".split()
)
_EN = frozenset(
    """the and of to a in is that it was for on you with as they be at this have are
    not but had what we there were so my when if would about which their can do did
    because been very just then them me how""".split()
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def detect_language(text: str, default: str = "en", sample: int = 20_000) -> str:
    """``"id"`` or ``"en"``, whichever language's common words are more frequent.

    Args:
        text: the text (only the first ``sample`` characters are read).
        default: the answer when neither language's words appear.
    """
    id_hits = en_hits = 0
    for m in _WORD.finditer(text[:sample]):
        w = m.group(0).lower()
        if w in _ID:
            id_hits += 1
        elif w in _EN:
            en_hits += 1
    if id_hits == en_hits:
        return default
    return "id" if id_hits > en_hits else "en"
