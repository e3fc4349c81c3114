"""The thematic analysis the demo project ships with (``make run``).

Built from the demo interviews' hand-coded passages (``transcripts/gold/codings.yaml``,
imported as coder ``gold``): themes with definitions and statuses, a sub-theme, a
discarded theme with its reason, typed relations with memos, and key extracts that
say what their theme says (Indonesian passages with an English translation). Every
step is one action of the demo's coder, as a researcher would make it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qualcode.store import Project


@dataclass(frozen=True)
class Extract:
    """A key extract: the coding of ``code`` in ``doc`` whose quote starts ``starts``."""

    doc: str
    code: str
    starts: str
    translation: str = ""


@dataclass(frozen=True)
class DemoTheme:
    id: str
    label: dict[str, str]
    definition: str
    codes: tuple[str, ...]
    status: str = "candidate"
    reason: str = ""
    parent: str | None = None
    extracts: tuple[Extract, ...] = field(default_factory=tuple)


W01 = "wawancara_01_pedagang_pasar"
W03 = "wawancara_03_petani"
W04 = "wawancara_04_ibu_rumah_tangga"
W05 = "wawancara_05_pengemudi_ojek"
I07 = "interview_07_ngo_observer"
I08 = "interview_08_kasi_pelayanan"

THEMES: tuple[DemoTheme, ...] = (
    DemoTheme(
        id="time_lost",
        label={"id": "Waktu warga yang terbuang", "en": "Residents' time lost"},
        definition=(
            "Residents lose hours and days at the office: they queue before a counter "
            "that opens late, and letters take far longer than the SOP and the notices "
            "promise. Boundary: how long a service takes and what makes it long; the "
            "money offered to make it faster is 'Paying to get it done'."
        ),
        codes=("time.long_wait", "time.late_letters"),
        status="final",
        extracts=(
            Extract(
                W01,
                "time.late_letters",
                "Empat hari, Neng.",
                "Four days, miss. At the bank they told me an SKU is usually done in a day, "
                "and the brochure on the counter says 'one working day'. Far from one day.",
            ),
            Extract(
                W05,
                "time.late_letters",
                "Katanya jadi besok.",
                "They said it would be ready tomorrow. Next day I came: not yet, the camat "
                "had gone to the province. Three days it took, though the wall says a "
                "domicile letter takes one working day.",
            ),
            Extract(I07, "time.long_wait", "Waiting time on average was around forty minutes"),
        ),
    ),
    DemoTheme(
        id="nobody_at_the_desk",
        label={"id": "Petugas tidak di tempat", "en": "Nobody at the desk"},
        definition=(
            "Service stops when the person in charge is not there: officers arriving after "
            "opening time, and files left on the desk of an officer on leave or of an "
            "absent camat because no one takes them over. Boundary: absence and hand-over, "
            "not how officers treat residents once they are there."
        ),
        codes=("competence.late_for_duty", "procedure.no_handover"),
        status="reviewed",
        parent="time_lost",
        extracts=(
            Extract(
                W01,
                "competence.late_for_duty",
                "Petugasnya belum datang.",
                "The officer hadn't come yet. I waited until almost half past eight, then a "
                "young man arrived, still carrying his helmet, relaxed, no apology. Yet the "
                "door says service starts at half past seven.",
            ),
            Extract(
                W03,
                "procedure.no_handover",
                "Katanya yang pegang lagi cuti.",
                "They said the one handling it was on leave. I asked, what about my file? "
                "Nobody knew. Two weeks later I came again, still not done. It was still in "
                "the drawer of the officer on leave, untouched.",
            ),
            Extract(I08, "procedure.no_handover", "Yes, it was one of our biggest problems."),
        ),
    ),
    DemoTheme(
        id="paying_to_get_it_done",
        label={"id": "Membayar di luar ketentuan", "en": "Paying to get it done"},
        definition=(
            "Money asked for or offered outside the official, mostly free, tariff: "
            "'cigarette money', 'coffee money', a broker at the stall outside who promises "
            "speed. Boundary: payments with no rule and no receipt, whoever proposed them."
        ),
        codes=("cost.unofficial_fee", "cost.unclear_cost"),
        status="reviewed",
        extracts=(
            Extract(
                W01,
                "cost.unofficial_fee",
                "Tapi waktu ambil, mas yang di loket bilang",
                "But when I collected it, the man at the counter said, 'Whatever you like, "
                "ma'am, for cigarette money.' I gave twenty thousand. What else could I do: "
                "if I didn't, they might make it hard next time.",
            ),
            Extract(
                W03,
                "cost.unofficial_fee",
                "Cuma pas kedatangan yang ketiga",
                "Only on my third visit a man at the coffee stall in front of the office "
                "offered: 'Sir, want it fast? Give me a hundred, I'll handle it, done in "
                "three days.' A broker.",
            ),
        ),
    ),
    DemoTheme(
        id="shifting_requirements",
        label={"id": "Syarat yang berubah-ubah", "en": "Requirements that keep changing"},
        definition=(
            "The kelurahan, the kecamatan and the notice board name different "
            "requirements, and residents go home to fetch what nobody mentioned. "
            "Boundary: what is required and how residents learn it; the wait once the "
            "file is complete belongs to 'Residents' time lost'."
        ),
        codes=("procedure.unclear_requirements", "procedure.convoluted"),
        extracts=(
            Extract(
                W01,
                "procedure.unclear_requirements",
                "Saya nggak tahu jelas.",
                "I didn't really know. At the kelurahan they said ID card, family card and "
                "the RT/RW letter were enough. At the kecamatan I also needed a photo of my "
                "shop and a copy of the land tax. I went home and came back the next day: "
                "twice I left my stall.",
            ),
            Extract(I07, "procedure.unclear_requirements", "In about a third of the cases"),
        ),
    ),
    DemoTheme(
        id="officers_who_help",
        label={"id": "Petugas yang menolong", "en": "Officers who help"},
        definition=(
            "The counter-examples residents name: officers who explain, seat a mother "
            "with a baby first, come out to an elderly resident, and finish simple letters "
            "in minutes, free. Boundary: what residents name as good service; it qualifies "
            "the other themes rather than cancels them."
        ),
        codes=("competence.friendly_helpful", "time.on_time", "cost.free_as_promised"),
        extracts=(
            Extract(
                W04,
                "competence.friendly_helpful",
                "Ada petugas perempuan, yang pakai kerudung krem",
                "There was a woman officer in a cream headscarf; she saw me carrying my baby, "
                "told me to sit down and said, 'The mother with the baby goes first.' She "
                "took my file first. Nobody protested; they understood.",
            ),
            Extract(
                W05,
                "time.on_time",
                "Setengah jam selesai.",
                "Done in half an hour. I said, 'Ma'am, that was fast.' She said, 'Yes, the "
                "SOP says a day, but if it's complete we do it at once; the signature is "
                "electronic now.'",
            ),
        ),
    ),
    DemoTheme(
        id="facilities_under_strain",
        label={"id": "Sarana yang tidak memadai", "en": "Facilities under strain"},
        definition=(
            "A broken queue machine, one working printer, old computers and too few "
            "chairs on Mondays. Boundary: the building and equipment, seen by residents "
            "and staff alike."
        ),
        codes=("facilities.waiting_room_poor", "facilities.equipment_poor"),
        extracts=(Extract(I07, "facilities.equipment_poor", "And behind the counter"),),
    ),
    DemoTheme(
        id="wrong_documents",
        label={"id": "Dokumen yang salah", "en": "Wrong documents"},
        definition="Letters and cards issued with errors that must be corrected.",
        codes=("product.error",),
        status="discarded",
        reason=(
            "too few passages in these interviews to stand alone; the corrections are read "
            "as part of 'Residents' time lost'"
        ),
    ),
)

RELATIONS: tuple[tuple[str, str, str, str], ...] = (
    (
        "code:competence.late_for_duty",
        "code:time.long_wait",
        "leads_to",
        "Residents queue because the counter opens late (wawancara_01, interview_07).",
    ),
    (
        "theme:shifting_requirements",
        "theme:time_lost",
        "leads_to",
        "Each requirement nobody mentioned is one more trip: the time is lost twice.",
    ),
    (
        "theme:paying_to_get_it_done",
        "theme:time_lost",
        "is_associated_with",
        "Brokers and 'coffee money' are offered as the way to make it faster.",
    ),
    (
        "theme:officers_who_help",
        "theme:time_lost",
        "contradicts",
        "With electronic signatures simple letters take minutes: the delay is not the work.",
    ),
    (
        f"doc:{I08}",
        "theme:nobody_at_the_desk",
        "refines",
        "The head of services confirms it and describes the hand-over book since introduced.",
    ),
)

PASSAGE_RELATION = (
    Extract(W03, "procedure.no_handover", "Jadi sebenarnya bisa cepat, Dik"),
    "theme:nobody_at_the_desk",
    "illustrates",
    "The farmer's own summary: not the work is slow, but the file nobody holds.",
)

THEME_MEMO = (
    "time_lost",
    "Residents and officers agree on the waiting; they differ on why. Residents name "
    "absent officers, officers name the signatures and equipment they wait for.",
)


def _coding(project: Project, ex: Extract) -> str:
    for c in project.codings.codings(doc=ex.doc, code=ex.code):
        if c.quote.startswith(ex.starts):
            return c.guid
    raise LookupError(f"the demo has no coding of {ex.code} in {ex.doc} starting {ex.starts!r}")


def build_demo_analysis(project: Project) -> None:
    """Make the demo's themes, relations, key extracts and a theme memo (the
    project already holds the hand-coded passages)."""
    for theme in THEMES:
        project.themes.add_theme(
            theme.label,
            theme_id=theme.id,
            parent=theme.parent,
            definition=theme.definition,
            codes=theme.codes,
        )
        if theme.status != "candidate":
            project.themes.set_theme_status(theme.id, theme.status, theme.reason)
        for ex in theme.extracts:
            project.themes.add_extracts(
                theme.id, [_coding(project, ex)], translation=ex.translation or None
            )
    for source, target, kind, memo in RELATIONS:
        project.themes.add_relation(source, target, kind, memo=memo)
    ex, target, kind, memo = PASSAGE_RELATION
    project.themes.add_relation(f"passage:{_coding(project, ex)}", target, kind, memo=memo)
    project.memos.add_memo("theme", THEME_MEMO[0], THEME_MEMO[1])
