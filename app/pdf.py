"""The documents Arpenteur files as PDF (a walk's compte rendu, committee minutes, the
landlord's TFPB review): A4, the standard fonts, a footer with the title and page count,
headings kept with what follows them, French text.

The standard fonts draw Latin-1 only (no font file to ship or install): French needs these
few substitutions, anything else rarer becomes "?".
"""

from fpdf import FPDF
from fpdf.fonts import FontFace

LATIN1 = str.maketrans({"\u2014": "-", "\u2013": "-", "\u2019": "'", "\u2018": "'",
                        "\u201c": '"', "\u201d": '"', "\u2026": "...", "\u0153": "oe",
                        "\u0152": "OE", "\u20ac": "EUR", "\u202f": " ", "\u2009": " ",
                        "\u00a0": " ", "\u2212": "-"})
MARGIN = 15  # mm
LINE = 5  # mm, one line of body text
KEEP_WITH_NEXT = 30  # mm: a heading needs this much below it, or it moves on too
HEADER = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))


def pdf_text(text):
    return str(text).translate(LATIN1).encode("latin-1", "replace").decode("latin-1")


class ReportPDF(FPDF):
    def __init__(self, title):
        super().__init__(format="A4")
        self.footer_text = pdf_text(title)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=18)
        self.set_title(self.footer_text)
        self.set_lang("fr")
        self.set_creator("Arpenteur")

    def footer(self):
        self.set_y(-12)
        self.set_font("helvetica", size=8)
        self.cell(0, 6, f"{self.footer_text} · {self.page_no()}/{{nb}}", align="C")

    def room(self):
        return self.page_break_trigger - self.get_y()

    def keep(self, height):
        """Start a new page unless `height` mm fit on this one."""
        if self.room() < height:
            self.add_page()

    def heading(self, text, size=13):
        self.keep(KEEP_WITH_NEXT)
        self.ln(2)
        self.set_font("helvetica", "B", size)
        self.multi_cell(0, size * 0.5, pdf_text(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)
        self.set_font("helvetica", size=10)

    def para(self, text, width=0, style=""):
        self.set_font("helvetica", style, 10)
        self.multi_cell(width, LINE, pdf_text(text), new_x="LMARGIN", new_y="NEXT")
        self.set_font("helvetica", size=10)

    def text_height(self, text, width, style=""):
        self.set_font("helvetica", style, 10)
        lines = self.multi_cell(width, LINE, pdf_text(text), dry_run=True, output="LINES")
        self.set_font("helvetica", size=10)
        return len(lines) * LINE
