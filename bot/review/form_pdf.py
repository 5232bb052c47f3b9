"""Printable forms as PDF: fpdf2 (pure Python, offline) lays out a form's blocks on Letter
pages. DejaVu Sans is used where the system has it, so curly quotes and dashes print as
written; otherwise Helvetica with those characters folded to Latin-1."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.review.forms import FormDoc

_FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
_LATIN = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-",
                        "…": "...", "•": "-", "☐": "[ ]"})


def _unicode_font() -> tuple[Path, Path] | None:
    for folder in _FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            return regular, bold
    return None


def render_pdf(form: FormDoc) -> bytes:
    # fpdf2 (with Pillow) takes about half a second to import: only a PDF pays for it, not
    # every `frontdesk chat` that can offer an HTML form.
    from fpdf import FPDF

    pdf = FPDF(format="Letter")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=16)
    font = _unicode_font()
    if font:
        pdf.add_font("body", "", str(font[0]))
        pdf.add_font("body", "B", str(font[1]))
        family = "body"

        def clean(text: str) -> str:
            return text
    else:
        family = "helvetica"

        def clean(text: str) -> str:
            return text.translate(_LATIN).encode("latin-1", "replace").decode("latin-1")

    pdf.set_title(clean(form.title))
    pdf.add_page()
    width = pdf.epw

    def write(text: str, size: float = 10, style: str = "", gap: float = 1.5) -> None:
        pdf.set_font(family, style, size)
        pdf.multi_cell(width, size * 0.5, clean(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    if form.draft:
        pdf.set_fill_color(255, 236, 179)
        pdf.set_font(family, "B", 9)
        pdf.multi_cell(width, 4.6, clean("DRAFT — " + form.draft), border=1, fill=True,
                       new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    write(form.title, 15, "B", 3)
    for block in form.blocks:
        if block.kind == "heading":
            pdf.ln(2)
            write(block.text, 12, "B", 1)
        elif block.kind == "paragraph":
            write(block.text)
        elif block.kind == "notice":
            write(block.text, 10, "B")
        elif block.kind == "policy":
            for paragraph in block.items:
                write(paragraph, 10, "", 2)
        elif block.kind == "quote":
            pdf.set_x(pdf.l_margin + 5)
            pdf.set_font(family, "B", 8)
            pdf.multi_cell(width - 5, 4, clean(block.cite), new_x="LMARGIN", new_y="NEXT")
            pdf.set_x(pdf.l_margin + 5)
            pdf.set_font(family, "", 9)
            pdf.multi_cell(width - 5, 4.4, clean(block.text), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif block.kind == "statements":
            for statement in block.items:
                write(f"______  {statement}", 10, "", 1.5)
        elif block.kind in ("blanks", "signature"):
            for blank in block.items:
                pdf.set_font(family, "", 10)
                label = clean(blank.label + ": ")
                pdf.cell(pdf.get_string_width(label) + 1, 7, label)
                value = clean(blank.value)
                pdf.cell(0, 7, value, border="B", new_x="LMARGIN", new_y="NEXT")
                for _ in range(blank.lines - 1):
                    pdf.cell(0, 7, "", border="B", new_x="LMARGIN", new_y="NEXT")
                pdf.ln(2)
    if form.footer:
        pdf.ln(3)
        write(form.footer, 8)
    return bytes(pdf.output())
