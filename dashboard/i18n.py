"""Interface texts in Dutch and English."""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    "title": {"nl": "Monitor buurtonbehagen", "en": "Neighbourhood unease monitor"},
    "indicator": {"nl": "Indicator", "en": "Indicator"},
    "level": {"nl": "Niveau", "en": "Level"},
    "period": {"nl": "Periode", "en": "Period"},
    "area": {"nl": "Gebied", "en": "Area"},
    "language": {"nl": "Taal:", "en": "Language:"},
    "buurt": {"nl": "Buurt", "en": "Neighbourhood (buurt)"},
    "wijk": {"nl": "Wijk", "en": "District (wijk)"},
    "stadsdeel": {"nl": "Stadsdeel", "en": "Borough (stadsdeel)"},
    "gemeente": {"nl": "Gemeente", "en": "Municipality"},
    "trend": {"nl": "Trend", "en": "Trend"},
    "city": {"nl": "Gemeente", "en": "Municipality"},
    "table_map": {"nl": "Tabel bij de kaart", "en": "Table behind the map"},
    "table_trend": {"nl": "Tabel bij de trend", "en": "Table behind the trend"},
    "value": {"nl": "Waarde", "en": "Value"},
    "interval": {"nl": "95%-interval", "en": "95% interval"},
    "n": {"nl": "n", "en": "n"},
    "flag": {"nl": "Status", "en": "Status"},
    "pick_area": {
        "nl": "Klik op een gebied of kies het hieronder.",
        "en": "Click an area or choose it below.",
    },
    "flag_ok": {"nl": "betrouwbaar", "en": "reliable"},
    "flag_indicative": {"nl": "indicatief", "en": "indicative"},
    "flag_suppressed": {
        "nl": "niet getoond: te weinig respondenten",
        "en": "withheld: too few respondents",
    },
    "flag_no-denominator": {
        "nl": "geen cijfer: te weinig inwoners",
        "en": "no rate: too few inhabitants",
    },
    "flag_no-data": {"nl": "geen gegevens", "en": "no data"},
    "missing_note": {
        "nl": "Grijs: {n} gebieden ({level}) zonder cijfer",
        "en": "Grey: {n} areas ({level}) without a figure",
    },
    "map_label": {
        "nl": "Kaart van {indicator} per {level}, {period}",
        "en": "Map of {indicator} by {level}, {period}",
    },
    "attribution": {
        "nl": "Grenzen: {publisher}. Bron: unease monitor.",
        "en": "Boundaries: {publisher}. Source: unease monitor.",
    },
}


def t(key: str, lang: str, **kwargs: object) -> str:
    """The text for ``key`` in ``lang`` (nl or en), formatted with kwargs."""
    text = TEXT[key].get(lang) or TEXT[key]["nl"]
    return text.format(**kwargs) if kwargs else text
