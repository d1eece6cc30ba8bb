"""The kit's printable table: Russian text survives into the PDF, typed text is not markup, and a
long table runs onto further pages with its header repeated."""
import io

from pypdf import PdfReader

from kabinet_kit.documents import tabular_pdf


def _text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_a_table_in_russian_with_typed_markup_shown_as_typed():
    pdf = tabular_pdf(title="Книга движения", lines=["Школа № 1", ""], header=["№", "Ученик"],
                      rows=[["1", "Ёжиков <b>Лев</b> & Ко"]], widths_cm=[1, 8])
    assert pdf.startswith(b"%PDF")
    [page] = _text(pdf)
    assert "Книга движения" in page and "Школа № 1" in page and "Ёжиков <b>Лев</b> & Ко" in page


def test_a_long_table_repeats_its_header_on_every_page():
    rows = [[str(n), f"Ученик {n}"] for n in range(1, 121)]
    pages = _text(tabular_pdf(title="Список", lines=[], header=["№", "Фамилия"], rows=rows, widths_cm=[1, 8],
                              landscape=True))
    assert len(pages) > 1 and all("Фамилия" in page for page in pages)
    assert "Ученик 120" in pages[-1]
