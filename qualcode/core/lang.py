"""Which language a transcript is in, offline: by its commonest words. Pure and fast.

Each language has a list of the words interview speech is made of (function words,
pronouns, discourse particles, and the everyday words of dealing with an office).
A word found in the lists of several languages counts for each of them by a share;
a word found in one list only counts fully. The language with the highest total wins.

Indonesian and Malay share most of their function words, so each also has words the
other hardly uses in speech (Indonesian *nggak*, *udah*, *kok*, *banget*, *kantor*,
*uang*; Malay *tak*, *nak*, *kat*, *boleh*, *kerana*, *pejabat*, *kerajaan*); a text
that shows neither kind of word is Indonesian (Indonesian wins ties with Malay).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MALAYIC = """yang dan di ini itu dengan untuk tidak dari dalam akan pada juga saya kami kita
ada sudah atau tapi tetapi namun kalau sama lagi belum masih seperti ya kan nah terus
buat cuma memang sekali banyak orang apa bagaimana mereka dia anda lebih sangat kemudian
sebelum waktu hari tahun saat adalah oleh kepada tentang sampai hanya semua baru sekarang
dulu pernah mungkin biasanya tahu katanya kak eh wah oh surat berapa lama mana siapa
kenapa mengapa paling cukup agak nanti pakai kasih tanya jawab bagus susah mudah tadi
begitu begini dapat ketika supaya agar walaupun meskipun tolong terima benar betul habis
jadi ibu pak jangan pun lah sebab mesti perlu rasa bagi pula amat pihak baik kata ramai
rumah kampung suami ayah anak sekolah daerah desa kerja bekerja pegawai motor jalan
datang pergi pulang tunggu menunggu bayar biaya syarat dokumen permohonan urusan
pelayanan layanan semuanya setiap kurang pagi petang malam siap selesai tempat"""
"""Words Indonesian and Malay share (each counts half for both)."""

_WORDS: dict[str, str] = {
    "id": _MALAYIC
    + """ bisa karena mau harus iya nggak gak enggak ngga sih aja gitu bapak bu kok
    udah banget dong deh gimana kayak emang setelah kantor uang yaitu bahwa bilang
    soalnya makanya gue lo elo nih tuh mbak mas neng kecamatan kelurahan camat lurah
    petugas loket antre antri kapan besok kemarin bikin jelek ribet silakan bener kalo
    pas sampe abis kawin perkawinan pemerintah gratis informasi rapat nomor telepon
    polisi toko taksi universitas istri cewek cowok kota provinsi kabupaten ktp
    mobil ojek angkot karyawan""",
    "ms": _MALAYIC
    + """ tak nak dah kat ni tu boleh sahaja kerana bila masa kena awak encik puan cik
    makcik pakcik akak abang bang jabatan pejabat kerajaan wang ringgit kereta percuma
    faham fikir cuba mahu beratur kaunter borang semak hantar bayaran kakitangan majlis
    perbandaran daripada ialah iaitu adakah selalu tengah macam lepas selepas semalam
    esok kawan duit kedai telefon aduan rungutan penerangan perkhidmatan tempoh tarikh
    bahagian sungguh mengikut syarikat aku engkau kau korang diorang dorang alamak
    entah entahlah je jer sikit takde kahwin perkahwinan bahawa tandas bilik cadangan talian
    mesyuarat bermesyuarat pekeliling senarai nombor polis hospital bas teksi universiti
    kolej kanak isteri lelaki bandar negeri emak mak sila teruk""",
    "en": """the and of to a in is that it was for on you with as they be at this have are
    not but had what we there were so my when if would about which their can do did
    because been very just then them me how i he she his her our your from an or by all
    one no yes out up get got go went know think said like really well some more only
    also who will could should don't didn't it's i'm that's there's they're we're yeah
    okay much many time people after before here now even still than into over other
    any every always never where why those these has does doing going said told asked
    office officer counter queue letter wait waited waiting""",
    "fr": """le la les de des du un une et est en que qui ne pas pour dans sur au aux avec
    ce cette ces il elle ils elles on nous vous je j'ai c'est n'est qu'il d'un d'une
    mais ou donc car par plus très bien tout tous toute toutes fait été être avoir
    avait était sont ont y a là ça alors aussi comme si oui non quand même encore
    déjà toujours jamais rien personne quelqu'un on m'a je suis mon ma mes ton ta son
    sa ses leur leurs notre nos votre vos l'agent guichet mairie dossier attendre""",
    "es": """el la los las de del un una y es en que por para con no se lo le les al su sus
    como más pero muy todo todos toda todas fue ser estar estaba estaban era eran hay
    ha he han me mi mis te tu yo nos nosotros ellos ellas usted ustedes este esta
    estos estas eso esa ese sí cuando también ya porque qué donde entonces siempre
    nunca nada algo alguien después antes aquí allí ventanilla oficina esperar""",
    "de": """der die das und ist in den von zu mit sich des auf für nicht ein eine einen
    einem einer dem es sie er ich wir ihr man war waren hat haben hatte sind wird
    werden wurde auch auf aus bei nach so wie was wenn aber oder noch nur schon sehr
    dann doch mal ja nein immer nie mehr kein keine keinen mich mir dich dir uns
    euch meine meinen mein sein seine ihre hier dort da weil dass ob am im zum zur
    beim vom ins amt schalter warten gewartet""",
    "nl": """de het een en van in is dat op te zijn voor met die niet aan er maar om als
    ook dan bij nog wel naar uit over je jij ik we wij ze zij hij u mijn mijn ons
    onze hun haar was waren heeft hebben had wordt werd worden kan kon moet moest
    zou geen al wat wie waar hoe waarom toen nu hier daar altijd nooit iets niets
    iemand niemand omdat dus want heel erg loket gemeente wachten gewacht""",
    "pt": """o a os as de do da dos das um uma e é em no na nos nas que por para com não se
    ao aos à às seu sua seus suas como mais mas muito todo toda todos todas foi ser
    estar estava estavam era eram há tem têm me meu minha eu nós ele ela eles elas
    você vocês este esta isso esse essa sim quando também já porque onde então
    sempre nunca nada algo alguém depois antes aqui ali lá guichê prefeitura
    esperar ainda agora pra pro gente""",
}
"""The common words of each language (lowercase)."""

_ONLY_BONUS = 1.0
"""What a word found in one language's list adds to it (a shared word adds its share)."""

LANGUAGES = tuple(_WORDS)
"""The languages the detector tells apart."""

NAMES = {
    "id": "Indonesian",
    "ms": "Malay",
    "en": "English",
    "fr": "French",
    "es": "Spanish",
    "de": "German",
    "nl": "Dutch",
    "pt": "Portuguese",
    "it": "Italian",
    "jv": "Javanese",
    "su": "Sundanese",
    "tl": "Tagalog",
    "vi": "Vietnamese",
    "th": "Thai",
    "zh": "Chinese",
    "ja": "Japanese",
    "ko": "Korean",
    "ar": "Arabic",
    "ru": "Russian",
    "tr": "Turkish",
    "pl": "Polish",
    "sv": "Swedish",
    "da": "Danish",
    "nb": "Norwegian",
    "fi": "Finnish",
    "ca": "Catalan",
    "ro": "Romanian",
    "hu": "Hungarian",
    "cs": "Czech",
    "el": "Greek",
    "hi": "Hindi",
    "bn": "Bengali",
    "ur": "Urdu",
    "fa": "Persian",
    "he": "Hebrew",
    "uk": "Ukrainian",
    "xx": "no particular language",
}
"""English names of language codes, for messages."""

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)


def _weights() -> dict[str, dict[str, float]]:
    by_word: dict[str, set[str]] = {}
    for lang, words in _WORDS.items():
        for w in words.split():
            by_word.setdefault(w, set()).add(lang)
    out: dict[str, dict[str, float]] = {}
    for w, langs in by_word.items():
        share = _ONLY_BONUS if len(langs) == 1 else 1.0 / len(langs)
        out[w] = {lang: share for lang in langs}
    return out


_WEIGHTS = _weights()
_WEIGHT_ITEMS = {w: tuple(langs.items()) for w, langs in _WEIGHTS.items()}


_ASCII_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
""":data:`_WORD` on ASCII text (where it means exactly this), which the engine scans
faster."""


class _Shares(dict[str, tuple[tuple[str, float], ...]]):
    """A word form as written -> its languages' shares (empty for an unknown word);
    remembered for up to :data:`_MAX_FORMS` forms."""

    def __missing__(self, form: str) -> tuple[tuple[str, float], ...]:
        shares = _WEIGHT_ITEMS.get(form.lower().replace("’", "'"), ())
        if len(self) < _MAX_FORMS:
            self[form] = shares
        return shares


_MAX_FORMS = 200_000
_SHARES = _Shares()


@dataclass(frozen=True)
class Detection:
    """The outcome of :func:`detect`.

    Attributes:
        lang: the language code chosen.
        words: how many words of the sample were read.
        known: how many of them are in some language's list.
        scores: each language's total, best first.
    """

    lang: str
    words: int
    known: int
    scores: tuple[tuple[str, float], ...]

    @property
    def sure(self) -> bool:
        """Enough known words, and a clear lead over the runner-up."""
        if self.known < 8 or len(self.scores) < 2:
            return self.known >= 8
        best, second = self.scores[0][1], self.scores[1][1]
        return best >= 1.25 * second


def detect(text: str, default: str = "en", sample: int = 20_000) -> Detection:
    """The language of ``text`` among :data:`LANGUAGES`, with the evidence.

    Args:
        text: the text (only the first ``sample`` characters are read).
        default: the answer when no word of any list appears.
    """
    head = text[:sample]
    found_words = (_ASCII_WORD if head.isascii() else _WORD).findall(head)
    words = len(found_words)
    # each distinct form is looked up once (a cache shared by every call, read in C);
    # the shares are still added word by word, in text order, so the float totals
    # are exactly those of one addition per word
    hits = list(filter(None, map(_SHARES.__getitem__, found_words)))
    known = len(hits)
    totals = dict.fromkeys(LANGUAGES, 0.0)
    for shares in hits:
        for lang, share in shares:
            totals[lang] += share
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1], LANGUAGES.index(kv[0])))
    if known == 0:
        return Detection(default, words, 0, tuple(ranked))
    lang = ranked[0][0]
    if lang == "ms" and totals["id"] >= totals["ms"]:
        lang = "id"  # Indonesian wins ties with Malay
    return Detection(lang, words, known, tuple(ranked))


def detect_language(text: str, default: str = "en", sample: int = 20_000) -> str:
    """The language code of ``text`` (see :func:`detect`)."""
    return detect(text, default, sample).lang


LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
"""What a language code looks like (ISO 639-1 or 639-3, lowercase)."""


def name_of(lang: str | None) -> str:
    """``Indonesian (id)`` for ``id``; the code alone for a code without a name."""
    if not lang:
        return "unknown"
    name = NAMES.get(lang)
    return f"{name} ({lang})" if name else lang
