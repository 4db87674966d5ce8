"""Small wording and layout rules users noticed: German singular/plural, county titles, table columns."""

from ikz_isms.present import county_title, plural_de
from ikz_isms.report.pdf import CELL_PAD, CONTENT_WIDTH, FONT, FONT_BOLD, fit_widths


def test_plural_de_uses_the_singular_for_one():
    assert plural_de(1, "Zielobjekt", "Zielobjekte") == "1 Zielobjekt"
    assert plural_de(0, "Zielobjekt", "Zielobjekte") == "0 Zielobjekte"
    assert plural_de(2, "Zielobjekt", "Zielobjekte") == "2 Zielobjekte"


def test_county_title_does_not_repeat_what_the_name_says():
    assert county_title("Vulkaneifel") == "Landkreis Vulkaneifel"
    assert county_title("Eifelkreis Bitburg-Prüm") == "Eifelkreis Bitburg-Prüm"


def test_narrow_columns_are_widened_to_their_longest_word():
    from reportlab.pdfbase.pdfmetrics import stringWidth

    widths = fit_widths(["Los", "Beschreibung", "Menge"], [("1", "ein langer Text", "in Umsetzung")],
                        [0.05, 0.9, 0.05])
    assert abs(sum(widths) - CONTENT_WIDTH) < 0.01
    assert widths[0] >= stringWidth("Los", FONT_BOLD, 7.5) + CELL_PAD
    assert widths[2] >= stringWidth("Umsetzung", FONT, 7.5) + CELL_PAD
