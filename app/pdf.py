"""The PDF documents Arpenteur prints (a walk's compte rendu, committee minutes, the TFPB
review): A4, the standard fonts, a footer with the title and page number.

The standard fonts draw Latin-1 only (no font file to ship or install): French needs a few
substitutions, anything rarer becomes "?".
"""

from fpdf import FPDF

LATIN1 = str.maketrans({"\u2014": "-", "\u2013": "-", "\u2019": "'", "\u2018": "'",
                        "\u201c": '"', "\u201d": '"', "\u2026": "...", "\u0153": "oe",
                        "\u0152": "OE", "\u20ac": "EUR", "\u202f": " ", "\u2009": " ",
                        "\u00a0": " "})


def pdf_text(text):
    return str(text).translate(LATIN1).encode("latin-1", "replace").decode("latin-1")


class ReportPDF(FPDF):
    """An A4 document with a footer; `heading`, `line` and `bold_line` write flowing text."""

    def __init__(self, footer_text):
        super().__init__(format="A4")
        self.footer_text = pdf_text(footer_text)
        self.set_auto_page_break(True, margin=15)
        self.set_title(self.footer_text)
        self.add_page()

    def footer(self):
        self.set_y(-12)
        self.set_font("helvetica", size=8)
        self.cell(0, 6, pdf_text(f"{self.footer_text} · {self.page_no()}"), align="C")

    def heading(self, text, size=13):
        self.ln(2)
        self.set_font("helvetica", "B", size)
        self.multi_cell(0, 7, pdf_text(text), new_x="LMARGIN", new_y="NEXT")
        self.set_font("helvetica", size=10)

    def line(self, text):
        self.multi_cell(0, 5, pdf_text(text), new_x="LMARGIN", new_y="NEXT")

    def bold_line(self, text):
        self.set_font("helvetica", "B", 10)
        self.line(text)
        self.set_font("helvetica", size=10)

    def bytes(self):
        return bytes(self.output())
