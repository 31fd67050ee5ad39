"""Interface texts in Dutch and English."""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    "nav_map": {"nl": "Kaart", "en": "Map"},
    "nav_profile": {"nl": "Gebiedsprofiel", "en": "Area profile"},
    "nav_trends": {"nl": "Trends en vergelijking", "en": "Trends and comparison"},
    "nav_initiatives": {"nl": "Initiatieven", "en": "Initiatives"},
    "nav_data": {"nl": "Data", "en": "Data"},
    "nav_label": {"nl": "Hoofdmenu", "en": "Main menu"},
    "show_initiatives": {"nl": "Toon burgerinitiatieven", "en": "Show citizen initiatives"},
    "class_much_better": {"nl": "veel beter dan de gemeente", "en": "much better than the city"},
    "class_better": {"nl": "beter dan de gemeente", "en": "better than the city"},
    "class_similar": {"nl": "gelijk aan de gemeente", "en": "similar to the city"},
    "class_worse": {"nl": "slechter dan de gemeente", "en": "worse than the city"},
    "class_much_worse": {"nl": "veel slechter dan de gemeente", "en": "much worse than the city"},
    "class_none": {"nl": "geen cijfer", "en": "no figure"},
    "legend_title": {"nl": "T.o.v. de gemeente", "en": "Against the city"},
    "open_profile": {"nl": "Open het gebiedsprofiel", "en": "Open the area profile"},
    "download_csv": {"nl": "Download CSV", "en": "Download CSV"},
    "download_parquet": {"nl": "Download Parquet", "en": "Download Parquet"},
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
