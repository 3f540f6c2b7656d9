"""A programme's information packet: a PDF made from its listing and the study library.

Everything in it comes from records (the programme's fields, its warning signs, the studies it
cites with their design, size, endpoint and evidence level); no number is typed here. It says
what is experimental, that it is not medical advice, and sends the reader to their neurologist.
The PDF uses the core font Helvetica (Latin-1 only): `_latin1` replaces what it cannot show.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, time

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from cellpath.evidence.grading import LEVELS
from cellpath.evidence.models import Study
from cellpath.outbox import absolute_url, long_date
from cellpath.programmes.models import Programme

QUESTIONS: tuple[str, ...] = (
    "Is this a formal clinical trial, or a treatment that is sold as if it were normal care?",
    "Who checks it from the outside? Ask which ethics committee and which national regulator "
    "approved it. For a programme in the United States, ask to see the FDA letter for its IND.",
    "What published studies show that it helps people with ALS? Ask for studies in medical "
    "journals, not patient stories.",
    "Where do the cells come from? How are they prepared, and how will they be given to you?",
    "If the cells come from a donor, how will they stop your body from rejecting them?",
    "What will it cost in total, with travel, stays and follow-up care?",
    "What happens if something goes wrong, and who pays for that care?",
    "Could taking part stop you from joining other trials later?",
    "Can you talk it over with a neurologist who does not work for the programme?",
)
"""The ISSCR Patient Handbook's questions (the same list as programmes/_questions.html)."""

DISCLAIMERS: tuple[str, ...] = (
    "This packet is not medical advice. It cannot tell you whether this treatment is right "
    "for you.",
    "Cell therapies for ALS are experimental. No cell therapy is approved to treat ALS.",
    "Talk to your neurologist before you decide anything. Take this packet with you.",
    "Cellpath lists programmes so that you can compare them. A listing is not an endorsement: "
    "we do not recommend this programme or any other.",
)

_REPLACEMENTS = str.maketrans(
    {
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": ",",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u2026": "...",
        "\u2022": "-",
        "\u2265": ">=",
        "\u2264": "<=",
        "\u2260": "!=",
        "\u2248": "~",
        "\u2192": "->",
        "\u2190": "<-",
        "\u2191": "up",
        "\u2193": "down",
        "\u20ac": "EUR",
        "\u2122": "(TM)",
        "\u2009": " ",
        "\u200a": " ",
        "\u202f": " ",
        "\u2007": " ",
        "\u200b": "",
        "\ufeff": "",
        "\u26a0": "!",
        "\u2714": "",
        "\u2713": "",
    }
)
_SUPERSCRIPTS = "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079\u207a\u207b"
_SUBSCRIPTS = "\u2080\u2081\u2082\u2083\u2084\u2085\u2086\u2087\u2088\u2089"
_SUPERSCRIPT = re.compile(f"[{_SUPERSCRIPTS}]+")
_SUPERSCRIPT_PLAIN = str.maketrans(_SUPERSCRIPTS, "0123456789+-")
_SUBSCRIPT_PLAIN = str.maketrans(_SUBSCRIPTS, "0123456789")


def _latin1(text: str) -> str:
    """`text` as the core font can show it: dashes, quotes and signs spelled in Latin-1,
    powers as ^ ("10⁹" → "10^9", so a number never changes), accents dropped when needed,
    anything else as "?"."""
    text = _SUPERSCRIPT.sub(lambda m: "^" + m.group().translate(_SUPERSCRIPT_PLAIN), text)
    text = text.translate(_REPLACEMENTS).translate(_SUBSCRIPT_PLAIN)
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        text = "".join(_latin1_char(char) for char in text)
    return text


def _latin1_char(char: str) -> str:
    try:
        char.encode("latin-1")
    except UnicodeEncodeError:
        base = "".join(
            part for part in unicodedata.normalize("NFKD", char) if not unicodedata.combining(part)
        )
        try:
            return base.encode("latin-1").decode("latin-1") if base else "?"
        except UnicodeEncodeError:
            return "?"
    return char


class _Packet(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("Helvetica", size=8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, f"{self.footer_text} - page {self.page_no()} of {{nb}}", align="C")


LINE = 5.5
INK = (20, 20, 20)
HEADING = (14, 61, 94)
WARNING = (150, 30, 20)
BOLD = FontFace(emphasis="BOLD")


class _Writer:
    """Headings, paragraphs, lists and label/value tables on a `_Packet`."""

    def __init__(self, pdf: _Packet) -> None:
        self.pdf = pdf

    def heading(self, text: str, *, size: int = 14, keep: float = 30) -> None:
        """A heading, on a new page unless `keep` mm of what follows fit under it."""
        pdf = self.pdf
        if pdf.get_y() > pdf.h - pdf.b_margin - keep:
            pdf.add_page()
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", size)
        pdf.set_text_color(*HEADING)
        pdf.multi_cell(0, size * 0.5, _latin1(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(*INK)
        pdf.ln(1.5)

    def paragraph(self, text: str, *, style: str = "", colour: tuple[int, int, int] = INK) -> None:
        pdf = self.pdf
        pdf.set_font("Helvetica", style, 11)
        pdf.set_text_color(*colour)
        pdf.multi_cell(0, LINE, _latin1(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(*INK)
        pdf.ln(1.5)

    def bullets(self, items: list[str] | tuple[str, ...]) -> None:
        pdf = self.pdf
        pdf.set_font("Helvetica", "", 11)
        for item in items:
            pdf.cell(6, LINE, "-")
            pdf.multi_cell(0, LINE, _latin1(item), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(1)
        pdf.ln(1)

    def facts(self, rows: list[tuple[str, str]]) -> None:
        pdf = self.pdf
        pdf.set_font("Helvetica", "", 10.5)
        with pdf.table(
            col_widths=(32, 68),
            width=pdf.epw,
            first_row_as_headings=False,
            borders_layout="HORIZONTAL_LINES",
            text_align="LEFT",
            v_align="TOP",
            line_height=LINE,
            padding=(1.2, 1.5, 1.2, 0),
        ) as table:
            for label, value in rows:
                row = table.row()
                row.cell(_latin1(label), style=BOLD)
                row.cell(_latin1(value or "Not stated"))
        pdf.ln(3)


def _lines(text: str) -> str:
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _patients(study: Study) -> str:
    if study.n_treated is None and study.n_control is None:
        return "Not stated"
    parts = []
    if study.n_treated is not None:
        parts.append(f"{study.n_treated} treated")
    if study.n_control is not None:
        parts.append(f"{study.n_control} in the control group")
    return ", ".join(parts)


def _offer(programme: Programme) -> list[tuple[str, str]]:
    return [
        ("Kind", programme.get_kind_display()),
        ("Run by", programme.organisation),
        ("Where", "; ".join(programme.location_list)),
        ("What is offered", _lines(programme.summary)),
        ("Product", programme.product),
        ("Cell type", programme.get_cell_type_display()),
        ("Where the cells come from", programme.tissue_source),
        ("Whose cells", programme.get_donor_display()),
        ("How the cells are given", "; ".join(programme.route_labels)),
        ("Schedule", _lines(programme.schedule)),
        ("Repeat treatment", _lines(programme.repeat_policy)),
    ]


def _costs(programme: Programme) -> list[tuple[str, str]]:
    rows = [("Price", programme.price_display)]
    if programme.price_includes.strip():
        rows.append(("What the price includes", _lines(programme.price_includes)))
    return rows


def _oversight(programme: Programme) -> list[tuple[str, str]]:
    rows = [
        ("Regulatory status", programme.get_regulatory_status_display()),
        ("Registry ID", programme.registry_id or "None given"),
    ]
    if programme.ind_number:
        rows.append(("FDA IND number", programme.ind_number))
    if programme.ethics_approval.strip():
        rows.append(("Ethics approval", _lines(programme.ethics_approval)))
    rows.append(("Written protocol", "Yes" if programme.has_written_protocol else "No"))
    rows.append(
        (
            "Product approved for ALS",
            "The programme says so. Ask to see the approval."
            if programme.product_approved_for_als
            else "No. No cell product is approved for ALS.",
        )
    )
    if programme.condition_list:
        rows.append(("Other conditions it offers the same cells for",
                     "; ".join(programme.condition_list)))  # fmt: skip
    return rows


def build_packet(programme: Programme, *, today: date, compress: bool = True) -> bytes:
    """The information packet of `programme` as PDF bytes, dated `today`. The same records
    and day give the same bytes. `compress=False` leaves the text readable in the file (tests)."""
    pdf = _Packet(format="A4")
    pdf.set_compression(compress)
    pdf.set_creation_date(datetime.combine(today, time(12), tzinfo=UTC))
    pdf.set_title(f"{programme.name}: information packet")
    pdf.set_author("Cellpath")
    pdf.set_subject("What the programme offers, its warning signs and its evidence")
    pdf.set_lang("en")
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(True, margin=20)
    pdf.footer_text = _latin1(f"Cellpath information packet: {programme.name}")
    pdf.add_page()
    write = _Writer(pdf)

    pdf.set_font("Helvetica", "B", 20)
    pdf.set_text_color(*HEADING)
    pdf.multi_cell(0, 9, _latin1(programme.name), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "", 13)
    pdf.cell(0, 7, "Information packet", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*INK)
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(0, 6, f"Made by Cellpath on {long_date(today)}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    write.paragraph(
        "Please read: this packet is not medical advice. Cell therapies for ALS are "
        "experimental, and no cell therapy is approved to treat ALS. Talk to your neurologist "
        "before you decide anything.",
        style="B",
    )
    write.paragraph(
        f"This packet comes from the programme's listing on Cellpath (version "
        f"{programme.version}, updated {long_date(programme.updated_at.date())}) and from "
        "our study library. Facts can change: check them with the programme."
    )

    write.heading("What the programme offers")
    write.facts(_offer(programme))

    write.heading("What it costs")
    write.facts(_costs(programme))

    write.heading("Who checks it")
    write.facts(_oversight(programme))

    write.heading("Warning signs")
    signs = programme.warning_signs
    if signs:
        write.paragraph(
            f"We found {len(signs)} of the warning signs that the FDA and the ISSCR describe."
        )
        for sign in signs:
            write.paragraph(f"Warning sign: {sign.title}", style="B", colour=WARNING)
            write.paragraph(sign.explanation)
            pdf.set_font("Helvetica", "I", 9)
            pdf.multi_cell(0, 4.5, _latin1(f"Source: {sign.source}"), align="L",
                           new_x=XPos.LMARGIN, new_y=YPos.NEXT)  # fmt: skip
            pdf.ln(2)
    else:
        write.paragraph(
            "None of the warning signs we check were found. This does not mean that the "
            "treatment works or is safe."
        )

    write.heading("What the evidence shows")
    studies = list(programme.studies.filter(published=True))
    if studies:
        write.paragraph(
            "These are the studies the programme points to. A study that did not meet its "
            "primary endpoint did not show the benefit it set out to show."
        )
        for study in studies:
            write.heading(study.short_name, size=11, keep=60)  # a study stays on one page
            write.facts(
                [
                    ("Year", str(study.year)),
                    ("Design", study.get_design_display()),
                    ("Compared with", study.get_control_display()),
                    ("Patients", _patients(study)),
                    ("Main result", study.get_primary_endpoint_met_display()),
                    ("Evidence level", study.level.label),
                    ("Read more", absolute_url(study.get_absolute_url())),
                ]
            )
        write.heading("What the evidence levels mean", size=11)
        used = {study.level.code for study in studies}
        write.bullets([f"{level.label}: {level.meaning}" for level in LEVELS if level.code in used])
    else:
        write.paragraph(
            "This programme cites no studies in our library. Ask the programme which published "
            "studies show that the treatment helps people with ALS."
        )

    write.heading("Questions to ask before you decide")
    write.paragraph(
        "The International Society for Stem Cell Research (ISSCR) suggests these questions in "
        "its Patient Handbook. Ask them in writing, and keep the answers."
    )
    write.bullets(QUESTIONS)

    write.heading("Before you decide")
    write.bullets(DISCLAIMERS)
    return bytes(pdf.output())


def packet_filename(programme: Programme) -> str:
    return f"{programme.slug}-information-packet.pdf"
