"""Interface texts in Dutch and English."""

from __future__ import annotations

from etl.registry import indicator as registry_indicator

TEXT: dict[str, dict[str, str]] = {
    "nav_map": {"nl": "Kaart", "en": "Map"},
    "downloads_note": {
        "nl": "Downloads (CSV, Excel en Parquet) van de kaart staan onder de kaart; ze "
        "bevatten precies wat de kaart toont, met onderdrukking, de waarde van de gemeente, "
        "de bron en het jaar van de gebiedsgrenzen. Aantallen zijn getallen (kolom n, leeg "
        "waar '<5' getoond wordt); de CSV gebruikt ; en een decimale komma.",
        "en": "Downloads (CSV, Excel and Parquet) of the map are below the map; they hold "
        "exactly what the map shows, with suppression, the municipality's value, the source "
        "and the boundary year. Counts are numbers (column n, empty where '<5' is shown); "
        "the CSV uses , and a decimal point.",
    },
    "skip": {"nl": "Naar de inhoud", "en": "Skip to content"},
    "notes_title": {
        "nl": "Diagnose en aanpak (professioneel)",
        "en": "Diagnosis and action plan (professional)",
    },
    "note_diagnosis": {"nl": "Diagnose", "en": "Diagnosis"},
    "note_what": {"nl": "Aanpak: wat", "en": "Action: what"},
    "note_who": {"nl": "Aanpak: wie", "en": "Action: who"},
    "note_by": {"nl": "Aanpak: wanneer klaar", "en": "Action: by when"},
    "note_save": {"nl": "Notitie opslaan", "en": "Save note"},
    "note_saved": {"nl": "Notitie opgeslagen.", "en": "Note saved."},
    "note_forbidden": {"nl": "Alleen voor professionals.", "en": "Professionals only."},
    "no_notes": {"nl": "Nog geen notities.", "en": "No notes yet."},
    "note_unknown_area": {
        "nl": "Onbekende gebiedscode {code}: een notitie hoort bij een gebied van de database.",
        "en": "Unknown area code {code}: a note belongs to an area of the database.",
    },
    "party_police": {"nl": "politie", "en": "police"},
    "party_municipality": {"nl": "gemeente", "en": "municipality"},
    "party_housing": {"nl": "woningcorporatie", "en": "housing association"},
    "party_residents": {"nl": "bewoners", "en": "residents"},
    "briefing_pdf": {"nl": "Briefing (PDF)", "en": "Briefing (PDF)"},
    "briefing_html": {"nl": "Briefing (HTML)", "en": "Briefing (HTML)"},
    "show_incidents": {
        "nl": "Toon incidenten als punten (professioneel)",
        "en": "Show incidents as points (professional)",
    },
    "incidents_layer": {"nl": "incidenten", "en": "incidents"},
    "login": {"nl": "Inloggen", "en": "Sign in"},
    "logout": {"nl": "Uitloggen", "en": "Sign out"},
    "signed_in_as": {"nl": "Ingelogd als", "en": "Signed in as"},
    "public_view": {"nl": "Publieke weergave", "en": "Public view"},
    "login_name": {"nl": "Naam", "en": "Name"},
    "login_password": {"nl": "Wachtwoord", "en": "Password"},
    "login_public": {"nl": "Verder zonder inloggen (publiek)", "en": "Continue as public"},
    "login_failed": {"nl": "Naam of wachtwoord onjuist.", "en": "Wrong name or password."},
    "login_too_many": {
        "nl": "Te veel mislukte pogingen. Probeer het later opnieuw.",
        "en": "Too many failed attempts. Please try again later.",
    },
    "form_expired": {
        "nl": "Het formulier is verlopen. Probeer het opnieuw.",
        "en": "The form has expired. Please try again.",
    },
    "key_figures": {"nl": "Kerncijfers", "en": "Key figures"},
    "similar_areas": {"nl": "vergelijkbare gebieden", "en": "similar areas"},
    "similar_note": {"nl": "Vergelijkbare gebieden (context): ", "en": "Similar areas (context): "},
    "context_title": {"nl": "Contextfactoren", "en": "Context factors"},
    "changes_title": {"nl": "Significante veranderingen", "en": "Significant changes"},
    "no_changes": {"nl": "Geen significante veranderingen.", "en": "No significant changes."},
    "alerts_title": {"nl": "Signalen laatste maand", "en": "Alerts for the latest month"},
    "where_in": {"nl": "in het gebied", "en": "in the area"},
    "where_near": {"nl": "in een buurgebied", "en": "in a neighbouring area"},
    "compare_areas": {"nl": "Gebieden vergelijken", "en": "Areas to compare"},
    "funnel_title": {"nl": "Trechterdiagram", "en": "Funnel plot"},
    "funnel_only_rates": {
        "nl": "Het trechterdiagram is er voor incidentcijfers.",
        "en": "The funnel plot is for incident rates.",
    },
    "coverage_title": {
        "nl": "Initiatieven per gebied en vorm",
        "en": "Initiatives per area and form",
    },
    "initiatives_table": {"nl": "Alle initiatieven", "en": "All initiatives"},
    "effects_title": {
        "nl": "Voor en na de start, tegenover vergelijkbare gebieden",
        "en": "Before and after the start, against matched areas",
    },
    "displacement_title": {
        "nl": "Verplaatsing naar de omliggende buurten",
        "en": "Displacement to the surrounding areas",
    },
    "reach_title": {"nl": "Bereik en vertegenwoordiging", "en": "Reach and representation"},
    "initiatives_map_title": {
        "nl": "Waar initiatieven zitten: per vorm, over {indicator}",
        "en": "Where initiatives are: by form, over {indicator}",
    },
    "initiatives_map_intro": {
        "nl": "Elk symbool is een initiatief (kleur en vorm: het soort). De kleur van de "
        "gebieden vergelijkt de indicator met de gemeente; oranje omlijnd zijn de stabiele "
        "hotspots (op buurt- én wijkniveau).",
        "en": "Each symbol is an initiative (colour and shape: its form). The colour of the "
        "areas compares the indicator with the municipality; outlined in orange are the "
        "stable hotspots (at buurt and wijk level).",
    },
    "coverage_by_type": {"nl": "Lopende initiatieven per vorm", "en": "Active initiatives by form"},
    "initiatives_count": {"nl": "aantal initiatieven", "en": "number of initiatives"},
    "effects_intro": {
        "nl": "Per initiatief: hoe {outcome} in het gebied veranderde na de start, "
        "vergeleken met vergelijkbare buurten zonder initiatief. Een punt links van de "
        "lijn: minder dan in de vergelijkingsbuurten; de streep is het 95%-interval. "
        "Dit is een beschrijvende vergelijking, geen bewezen effect: initiatieven "
        "beginnen vaak na een piek, die daarna vanzelf kan dalen.",
        "en": "Per initiative: how {outcome} in the area changed after the start, compared "
        "with similar buurten without an initiative. A point left of the line: less than "
        "in the comparison buurten; the bar is the 95% interval. This is a descriptive "
        "comparison, not a proven effect: initiatives often start after a peak, which may "
        "fall back by itself.",
    },
    "effects_outcome": {"nl": "Uitkomst", "en": "Outcome"},
    "effects_none": {
        "nl": "Geen voor-en-navergelijking met een schatting voor deze uitkomst.",
        "en": "No before-and-after comparison with an estimate for this outcome.",
    },
    "effect_ratio_axis": {
        "nl": "verhouding na/voor, gebied t.o.v. vergelijkingsbuurten (1 = gelijk)",
        "en": "ratio after/before, area against comparison buurten (1 = the same)",
    },
    "effect_difference_axis": {
        "nl": "verschil in verandering, procentpunt (0 = gelijk)",
        "en": "difference in change, percentage points (0 = the same)",
    },
    "effect_estimate": {"nl": "schatting", "en": "estimate"},
    "effect_placebo": {
        "nl": "placebo: start een jaar eerder",
        "en": "placebo: start one year earlier",
    },
    "effect_more": {"nl": "{x}% meer", "en": "{x}% more"},
    "effect_less": {"nl": "{x}% minder", "en": "{x}% less"},
    "effect_points_up": {"nl": "{x} procentpunt hoger", "en": "{x} percentage points higher"},
    "effect_points_down": {"nl": "{x} procentpunt lager", "en": "{x} percentage points lower"},
    "effect_sentence": {
        "nl": "{name}: na de start {change} dan in {k} vergelijkbare buurten "
        "(95%-interval {low} tot {high}).",
        "en": "{name}: after the start {change} than in {k} similar buurten "
        "(95% interval {low} to {high}).",
    },
    "effect_clear": {
        "nl": "Het interval sluit 'geen verschil' uit.",
        "en": "The interval excludes 'no difference'.",
    },
    "effect_unclear": {
        "nl": "Niet te onderscheiden van geen verschil.",
        "en": "Not distinguishable from no difference.",
    },
    "effect_pretrend": {
        "nl": "Let op: al vóór de start liep het gebied uiteen met de vergelijkingsbuurten "
        "(placebotoets); niet als effect lezen.",
        "en": "Note: the area already drifted from its comparison buurten before the start "
        "(placebo check); not to be read as an effect.",
    },
    "effects_inference_ratio": {
        "nl": "Intervallen van het Poisson-model zelf, verbreed voor overdispersie "
        "(quasi-Poisson); de vergelijkingsbuurten kruislings gekozen (oneven en even maanden). "
        "De placebo (grijs) herhaalt de vergelijking met een start een jaar eerder.",
        "en": "Intervals from the Poisson model itself, widened for overdispersion "
        "(quasi-Poisson); comparison buurten cross-fitted (odd and even months). The "
        "placebo (grey) repeats the comparison with a start one year earlier.",
    },
    "effects_inference_share": {
        "nl": "Intervallen uit de steekproeffout van de respondenten (normale benadering). "
        "De placebo (grijs) vergelijkt de metingen vóór het jaar voor de start met die van "
        "dat jaar, waar de metingen dat toelaten.",
        "en": "Intervals from the respondents' sampling error (normal approximation). The "
        "placebo (grey) compares the waves before the year before the start with that year's, "
        "where the waves allow.",
    },
    "effect_no_estimate": {
        "nl": "{name}: geen schatting (te weinig vergelijkingsbuurten of gegevens).",
        "en": "{name}: no estimate (too few comparison buurten or data).",
    },
    "effect_controls": {
        "nl": "Vergelijkingsbuurten van {name} ({n})",
        "en": "Comparison buurten of {name} ({n})",
    },
    "effects_controls_title": {
        "nl": "Welke buurten zijn vergeleken",
        "en": "Which buurten were compared",
    },
    "col_name": {"nl": "Naam", "en": "Name"},
    "col_form": {"nl": "Vorm", "en": "Form"},
    "col_start": {"nl": "Start", "en": "Start"},
    "col_end": {"nl": "Einde", "en": "End"},
    "col_area": {"nl": "Gebied", "en": "Area"},
    "col_members": {"nl": "Leden", "en": "Members"},
    "col_inhabitants": {"nl": "Inwoners", "en": "Inhabitants"},
    "col_total": {"nl": "Totaal", "en": "Total"},
    "col_per_1000": {"nl": "Per 1.000 inwoners", "en": "Per 1,000 inhabitants"},
    "col_category": {"nl": "Categorie", "en": "Category"},
    "col_area_change": {"nl": "Verandering in het gebied", "en": "Change in the area"},
    "col_ring_change": {
        "nl": "Verandering in de omliggende buurten",
        "en": "Change in the surrounding buurten",
    },
    "col_controls_change": {
        "nl": "Verandering in vergelijkingsbuurten",
        "en": "Change in comparison buurten",
    },
    "col_ring_size": {"nl": "Omliggende buurten", "en": "Surrounding buurten"},
    "col_displacement": {"nl": "Mogelijke verplaatsing", "en": "Possible displacement"},
    "col_period": {"nl": "Periode", "en": "Period"},
    "col_initiatives": {"nl": "Initiatieven", "en": "Initiatives"},
    "col_members_per_1000": {"nl": "Leden per 1.000 inwoners", "en": "Members per 1,000"},
    "col_key_persons": {"nl": "Sleutelpersonen", "en": "Key persons"},
    "col_participants_share": {
        "nl": "Aandeel deelnemers (enquête, %)",
        "en": "Share of participants (survey, %)",
    },
    "col_respondents": {"nl": "Respondenten", "en": "Respondents"},
    "col_participants": {"nl": "Deelnemers (enquête)", "en": "Participants (survey)"},
    "col_status": {"nl": "Status", "en": "Status"},
    "running": {"nl": "lopend", "en": "ongoing"},
    "yes": {"nl": "ja", "en": "yes"},
    "no": {"nl": "nee", "en": "no"},
    "show_hotspots_initiatives": {
        "nl": "Stabiele hotspots omlijnen",
        "en": "Outline stable hotspots",
    },
    "sources_title": {"nl": "Geladen bronnen", "en": "Sources loaded"},
    "quarantine_title": {
        "nl": "Afgekeurde rijen en rijen met een opmerking (quarantaine)",
        "en": "Rejected rows and rows kept with a note (quarantine)",
    },
    "definitions_title": {"nl": "Definities van de indicatoren", "en": "Indicator definitions"},
    "settings_title": {"nl": "Instellingen van deze build", "en": "Settings of this build"},
    "reconciliation_title": {
        "nl": "Totalen tegenover de som van de gebieden",
        "en": "Totals against the sum of the areas",
    },
    "mark_partial": {
        "nl": "Periode {period} bevat alleen {months}.",
        "en": "Period {period} holds {months} only.",
    },
    "mark_denominator": {
        "nl": "Inwoners van {years} gebruikt voor {periods} (geen cijfers van dat jaar).",
        "en": "Population of {years} used for {periods} (no figures of that year).",
    },
    "skips_title": {
        "nl": "Overgeslagen analyses",
        "en": "Skipped analyses",
    },
    "skips_note": {
        "nl": "Delen van de analyse die de gegevens niet toelieten, met de reden.",
        "en": "Parts of the analysis that the data did not allow, with the reason.",
    },
    "skips_none": {
        "nl": "Geen: elke analyse is uitgevoerd.",
        "en": "None: every analysis ran.",
    },
    "hierarchy_title": {
        "nl": "Indeling getoetst aan de geometrie",
        "en": "Hierarchy checked against geometry",
    },
    "hierarchy_note": {
        "nl": "Gebieden waarvan de opgegeven bovenliggende code niet bestaat of niet past bij "
        "de ligging (minder dan de helft van het gebied erin): ze vallen onder het gebied "
        "waarmee ze het meest overlappen.",
        "en": "Areas whose coded parent does not exist or does not fit their location (less "
        "than half of the area inside it): they go to the area they overlap most.",
    },
    "hierarchy_none": {
        "nl": "Geen afwijkingen: elke opgegeven indeling klopt met de geometrie.",
        "en": "No mismatches: every coded parent agrees with the geometry.",
    },
    "type_surveillance": {"nl": "burgertoezicht", "en": "citizen surveillance"},
    "type_investigation": {"nl": "opsporing", "en": "investigation"},
    "type_public_space": {"nl": "zorg voor de openbare ruimte", "en": "care for public space"},
    "type_mediation": {"nl": "bemiddeling", "en": "mediation"},
    "type_contact": {"nl": "contact stimuleren", "en": "stimulating contact"},
    "type_information": {"nl": "informatie delen", "en": "sharing information"},
    "type_policy": {"nl": "beleid beïnvloeden", "en": "influencing policy"},
    "quadrant_high_fear_low_incidents": {
        "nl": "veel angst, weinig incidenten",
        "en": "high fear, few incidents",
    },
    "quadrant_high_fear_high_incidents": {
        "nl": "veel angst, veel incidenten",
        "en": "high fear, many incidents",
    },
    "quadrant_low_fear_high_incidents": {
        "nl": "weinig angst, veel incidenten",
        "en": "low fear, many incidents",
    },
    "quadrant_low_fear_low_incidents": {
        "nl": "weinig angst, weinig incidenten",
        "en": "low fear, few incidents",
    },
    "quadrant_not_distinguishable": {
        "nl": "niet te onderscheiden van de gemeente",
        "en": "not distinguishable from the city",
    },
    "quadrant_title": {
        "nl": "Beleefd tegenover geregistreerd (mediane buurt basisjaar = 100)",
        "en": "Perceived against registered (median buurt of the base year = 100)",
    },
    "incident_index": {"nl": "index geregistreerde incidenten", "en": "registered-incident index"},
    "perceived_index": {"nl": "index beleefde onveiligheid", "en": "perceived-unease index"},
    "areas": {"nl": "gebieden", "en": "areas"},
    "population": {"nl": "inwoners", "en": "inhabitants"},
    "categories_title": {
        "nl": "Geregistreerde incidenten per soort, laatste jaar",
        "en": "Registered incidents by category, latest year",
    },
    "nav_profile": {"nl": "Gebiedsprofiel", "en": "Area profile"},
    "nav_trends": {"nl": "Trends en vergelijking", "en": "Trends and comparison"},
    "nav_initiatives": {"nl": "Initiatieven", "en": "Initiatives"},
    "nav_data": {"nl": "Data", "en": "Data"},
    "nav_label": {"nl": "Hoofdmenu", "en": "Main menu"},
    "show_initiatives": {"nl": "Toon burgerinitiatieven", "en": "Show citizen initiatives"},
    "basemap": {"nl": "Achtergrondkaart (PDOK BRT)", "en": "Background map (PDOK BRT)"},
    "basemap_offline": {
        "nl": "De achtergrondkaart is niet bereikbaar (geen internet?); de kaart blijft "
        "zonder achtergrond.",
        "en": "The background map cannot be reached (no internet?); the map stays without "
        "background.",
    },
    "basemap_credit": {"nl": "Achtergrondkaart", "en": "Background map"},
    "class_much_better": {"nl": "veel beter dan de gemeente", "en": "much better than the city"},
    "class_better": {"nl": "beter dan de gemeente", "en": "better than the city"},
    "class_similar": {
        "nl": "niet significant verschillend van de gemeente",
        "en": "not significantly different from the municipality",
    },
    "class_worse": {"nl": "slechter dan de gemeente", "en": "worse than the city"},
    "class_much_worse": {"nl": "veel slechter dan de gemeente", "en": "much worse than the city"},
    "class_none": {"nl": "geen cijfer", "en": "no figure"},
    "legend_title": {"nl": "T.o.v. de gemeente", "en": "Against the city"},
    "open_profile": {"nl": "Open het gebiedsprofiel", "en": "Open the area profile"},
    "download_csv": {"nl": "Download CSV (Excel NL: ; en decimale komma)", "en": "Download CSV"},
    "download_xlsx": {"nl": "Download Excel (.xlsx)", "en": "Download Excel (.xlsx)"},
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
    # empty states (dashboard/empty.py): the sentence instead of an empty chart or table
    "empty_state": {
        "nl": "Geen gegevens voor dit gebied en deze periode",
        "en": "No data for this area and period",
    },
    "empty_sensitive": {
        "nl": "gevoelige categorie, alleen per wijk of groter getoond",
        "en": "sensitive category, shown per wijk or larger only",
    },
    "empty_withheld": {
        "nl": "niet getoond ter bescherming van personen (minder dan 5)",
        "en": "withheld to protect people (fewer than 5)",
    },
    "empty_few-inhabitants": {
        "nl": "te weinig inwoners voor een cijfer",
        "en": "too few inhabitants for a figure",
    },
    "empty_no-survey": {
        "nl": "geen enquête in dit gebied of deze periode",
        "en": "no survey in this area or period",
    },
    "empty_no-data": {
        "nl": "de bronnen hebben hier geen cijfer voor",
        "en": "the sources hold no figure for it",
    },
    "empty_no-areas": {"nl": "kies een of meer gebieden", "en": "choose one or more areas"},
    "empty_rates-only": {
        "nl": "dit diagram is er alleen voor incidentcijfers",
        "en": "this chart is for incident rates only",
    },
    "empty_no-incidents": {
        "nl": "geen geregistreerde incidenten",
        "en": "no registered incidents",
    },
    "empty_no-initiatives": {
        "nl": "geen initiatieven in het register",
        "en": "no initiatives in the register",
    },
    "empty_no-rows": {"nl": "de build vond hier niets", "en": "the build found nothing here"},
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
    "mark_harmonised_name": {
        "nl": "{n} gebieden gekoppeld op naam (laatste redmiddel; controleer de koppeling).",
        "en": "{n} areas matched by name (a last resort; check the match).",
    },
    "mark_harmonised_overlay": {
        "nl": "{n} gebieden omgerekend naar de huidige grenzen op oppervlak (benadering).",
        "en": "{n} areas carried to the current boundaries by area share (approximate).",
    },
    "mark_harmonised_table": {
        "nl": "{n} gebieden omgezet met een opgegeven koppeltabel.",
        "en": "{n} areas mapped with a supplied crosswalk table.",
    },
    "departures_title": {
        "nl": "Waar het product afwijkt van methods.md, en waarom",
        "en": "Where the product departs from methods.md, and why",
    },
    "departure_topic": {"nl": "Onderwerp", "en": "Topic"},
    "departure_methods": {"nl": "methods.md", "en": "methods.md"},
    "departure_product": {"nl": "Product", "en": "Product"},
    "departure_why": {"nl": "Waarom", "en": "Why"},
    "departure_setting": {"nl": "Instelling", "en": "Setting"},
    "hotspots_title": {
        "nl": "Hotspots (Getis–Ord Gi*, alle jaren)",
        "en": "Hotspots (Getis–Ord Gi*, all years)",
    },
    "hotspot_stable": {
        "nl": "hotspot (buurt en wijk)",
        "en": "hotspot (buurt and wijk)",
    },
    "hotspot_hot": {"nl": "hoog, op één niveau", "en": "high, at one level"},
    "hotspot_cold": {"nl": "laag", "en": "low"},
    "hotspot_none": {"nl": "geen", "en": "none"},
    "hotspot_note": {
        "nl": "Gi* z is de standaard Getis–Ord-statistiek (binaire buren, het gebied zelf "
        "meegeteld) op de rangorde van de gladgestreken cijfers (instelling hotspot_scale); "
        "een hotspot alleen als hij na correctie voor het aantal vergelijkingen (q) op "
        "buurt- én wijkniveau standhoudt.",
        "en": "Gi* z is the standard Getis–Ord statistic (binary neighbours, the area "
        "itself included) on the ranks of the smoothed rates (setting hotspot_scale); a "
        "hotspot only when it holds after correction for the number of comparisons (q) "
        "at both buurt and wijk level.",
    },
    "flag_incomplete_parts": {
        "nl": "onvolledig: ontbreekt {parts}",
        "en": "incomplete: missing {parts}",
    },
    "part_perceived": {"nl": "beleefde onveiligheid", "en": "perceived unease"},
    "part_incidents": {"nl": "geregistreerde incidenten", "en": "registered incidents"},
    "part_nuisance": {"nl": "overlast", "en": "nuisance"},
    "flag_incomplete": {
        "nl": "onvolledig: niet alle delen aanwezig",
        "en": "incomplete: not all parts present",
    },
    "disclosure_title": {
        "nl": "Onthullingsbeheersing (publieke weergave)",
        "en": "Disclosure control (public view)",
    },
    "disclosure_rules": {
        "nl": "Zonder in te loggen: aantallen van 1 tot 4 staan als <5, grotere afgerond op "
        "{round_to}; cijfers per 1.000 en hun intervallen zijn berekend uit het getoonde "
        "aantal en ontbreken waar het aantal onder 5 ligt; een enquêtepercentage ontbreekt "
        "waar het voor 1 tot 4 respondenten staat; inwoners, adressen en woningen "
        "afgerond op {denominator_round_to}, zoals CBS ze afrondt; zedenmisdrijven en "
        "huiselijk geweld alleen per wijk of groter; geen incidenten als punten. "
        "Ingelogde professionals zien exacte cijfers.",
        "en": "Without signing in: counts of 1 to 4 show as <5, larger ones rounded to "
        "{round_to}; rates per 1,000 and their intervals are computed from the count shown "
        "and are withheld where the count is below 5; a survey share is withheld where it "
        "stands for 1 to 4 respondents; inhabitants, addresses and dwellings "
        "rounded to {denominator_round_to}, as CBS rounds them; sexual offences and domestic "
        "violence per wijk or larger only; no incidents as points. Signed-in professionals "
        "see exact figures.",
    },
    "flag_sensitive": {
        "nl": "niet getoond: gevoelige categorie, alleen per wijk of groter",
        "en": "withheld: sensitive category, shown per wijk or larger only",
    },
    "flag_few-respondents": {
        "nl": "niet getoond: minder dan 5 respondenten gaven dit antwoord",
        "en": "withheld: fewer than 5 respondents gave this answer",
    },
    "flag_small-count": {
        "nl": "niet getoond: minder dan 5 incidenten",
        "en": "withheld: fewer than 5 incidents",
    },
    "missing_note": {
        "nl": "Zonder cijfer: {n} gebieden ({level})",
        "en": "Without a figure: {n} areas ({level})",
    },
    "missing_no_data": {"nl": "geen gegevens", "en": "no data"},
    "missing_suppressed": {
        "nl": "niet getoond (onthulling of te weinig respondenten)",
        "en": "withheld (disclosure or too few respondents)",
    },
    "missing_water": {"nl": "water", "en": "water"},
    "missing_not_applicable": {
        "nl": "niet van toepassing (te weinig inwoners)",
        "en": "not applicable (too few inhabitants)",
    },
    "map_zoom": {"nl": "Inzoomen op", "en": "Zoom to"},
    "map_zoom_all": {"nl": "hele gemeente", "en": "whole municipality"},
    "map_selected": {"nl": "gekozen: {name}", "en": "selected: {name}"},
    "map_outlines": {"nl": "grenzen {level}", "en": "borders {level}"},
    "map_labels": {"nl": "namen {level}", "en": "names {level}"},
    "show_hotspots": {"nl": "Hotspots (stabiel)", "en": "Hotspots (stable)"},
    "hotspots_layer": {
        "nl": "hotspot {category} (buurt en wijk)",
        "en": "hotspot {category} (buurt and wijk)",
    },
    "hotspots_layer_none": {
        "nl": "geen stabiele hotspot van {category}",
        "en": "no stable hotspot of {category}",
    },
    "hotspots_layer_withheld": {
        "nl": "hotspots van {category} niet getoond: gevoelige categorie, alleen per wijk "
        "of groter",
        "en": "hotspots of {category} not shown: sensitive category, only per wijk or larger",
    },
    "hotspot_holds": {
        "nl": "hotspot van {category}: houdt stand op buurt- én wijkniveau, na correctie "
        "voor het aantal vergelijkingen",
        "en": "hotspot of {category}: holds at buurt and at wijk level, after correction "
        "for the number of comparisons",
    },
    "map_source": {"nl": "Bron: {source}", "en": "Source: {source}"},
    "map_label": {
        "nl": "Kaart van {indicator} per {level}, {period}",
        "en": "Map of {indicator} by {level}, {period}",
    },
    "attribution": {
        "nl": "Grenzen: {publisher}. Bron: unease monitor.",
        "en": "Boundaries: {publisher}. Source: unease monitor.",
    },
    # the briefing (dashboard/briefing.py)
    "briefing": {"nl": "Gebiedsbriefing", "en": "Area briefing"},
    "public_role": {
        "nl": "Openbare versie: kleine aantallen afgeschermd",
        "en": "Public version: small counts protected",
    },
    "professional_role": {
        "nl": "Vertrouwelijk, voor professionals: exacte aantallen, niet openbaar maken",
        "en": "Confidential, for professionals: exact counts, do not publish",
    },
    "part_of": {"nl": "deel van", "en": "part of"},
    "map_title": {
        "nl": "Kaart van {name} en de aangrenzende gebieden",
        "en": "Map of {name} and the neighbouring areas",
    },
    "previous": {"nl": "Vorige ({period})", "en": "Previous ({period})"},
    "significant": {"nl": "significant", "en": "significant"},
    "sig_note": {
        "nl": "▲▼ verandering t.o.v. de vorige periode, significant na correctie voor het "
        "aantal vergelijkingen (alle gebieden van die indicator; Benjamini–Hochberg).",
        "en": "▲▼ change from the previous period, significant after correction for the "
        "number of comparisons (all areas of that indicator; Benjamini–Hochberg).",
    },
    "significant_after": {
        "nl": "significant na correctie voor {n} vergelijkingen",
        "en": "significant after correction for {n} comparisons",
    },
    "fdr_note": {
        "nl": "Significant betekent: na correctie voor het aantal vergelijkingen "
        "(Benjamini–Hochberg, false discovery rate fdr_alpha) binnen de lijst van alle "
        "gebieden van één indicator, niveau en periodepaar. Een ongecorrigeerde p-waarde "
        "is hooguit indicatief. p en q: '< 0.001' of drie decimalen.",
        "en": "Significant means: after correction for the number of comparisons "
        "(Benjamini–Hochberg, false discovery rate fdr_alpha) within the list of all areas "
        "of one indicator, level and pair of periods. An unadjusted p-value is indicative "
        "at most. p and q: '< 0.001' or three decimals.",
    },
    "comparisons": {"nl": "Vergelijkingen", "en": "Comparisons"},
    "change": {"nl": "Verandering", "en": "Change"},
    "q_value": {"nl": "q", "en": "q"},
    "no_alerts": {"nl": "Geen signalen.", "en": "No alerts."},
    "alert_line": {
        "nl": "{area}, {category}, {month}: {observed} geregistreerd, verwacht {expected} "
        "(band {lower}–{upper})",
        "en": "{area}, {category}, {month}: {observed} registered, expected {expected} "
        "(band {lower}–{upper})",
    },
    "category": {"nl": "Soort", "en": "Category"},
    "count": {"nl": "Aantal", "en": "Count"},
    "total": {"nl": "totaal", "en": "total"},
    "no_incidents": {"nl": "Geen geregistreerde incidenten.", "en": "No registered incidents."},
    "categories_period": {
        "nl": "Geregistreerde incidenten per soort",
        "en": "Registered incidents by category",
    },
    "sensitive_withheld": {
        "nl": "Gevoelige soorten (zeden, huiselijk geweld) alleen op wijkniveau en hoger.",
        "en": "Sensitive categories (sexual offences, domestic violence) at wijk level and "
        "above only.",
    },
    "initiatives_active": {
        "nl": "Actieve burgerinitiatieven",
        "en": "Active citizen initiatives",
    },
    "no_initiatives": {
        "nl": "Geen actieve initiatieven in of rond het gebied.",
        "en": "No active initiatives in or around the area.",
    },
    "since": {"nl": "sinds", "en": "since"},
    "more": {"nl": "en nog {n}", "en": "and {n} more"},
    "until": {"nl": "tot", "en": "until"},
    "name": {"nl": "Naam", "en": "Name"},
    "form": {"nl": "Vorm", "en": "Form"},
    "where": {"nl": "Waar", "en": "Where"},
    "variable": {"nl": "Kenmerk", "en": "Characteristic"},
    "city_mean": {"nl": "Gem. buurten", "en": "Mean of buurten"},
    "context_note": {
        "nl": "Context dient als vergelijking, niet als verklaring of risicoscore.",
        "en": "Context serves as a benchmark, not as an explanation or risk score.",
    },
    "briefing_notes_title": {
        "nl": "Sociale diagnose en aanpak",
        "en": "Social diagnosis and approach",
    },
    "no_note": {
        "nl": "Nog geen diagnose vastgelegd voor dit gebied.",
        "en": "No diagnosis recorded for this area yet.",
    },
    "diagnosis": {"nl": "Diagnose", "en": "Diagnosis"},
    "action": {"nl": "Aanpak", "en": "Action"},
    "who": {"nl": "Wie", "en": "Who"},
    "by_when": {"nl": "Wanneer klaar", "en": "By when"},
    "note_recorded_by": {
        "nl": "Vastgelegd door {author} op {date} (periode {period})",
        "en": "Recorded by {author} on {date} (period {period})",
    },
    "vintages": {"nl": "Peiljaren", "en": "Vintages"},
    "vintage_line": {
        "nl": "grenzen {boundaries}; {kinds}; database gebouwd {built}",
        "en": "boundaries {boundaries}; {kinds}; database built {built}",
    },
    "kind_survey_responses": {"nl": "enquête", "en": "survey"},
    "kind_incidents": {"nl": "incidenten", "en": "incidents"},
    "kind_incident_counts": {"nl": "incidenten (aantallen)", "en": "incidents (counts)"},
    "kind_context": {"nl": "kerncijfers", "en": "key figures"},
    "kind_initiatives": {"nl": "initiatieven", "en": "initiatives"},
    "kind_boundaries": {"nl": "grenzen", "en": "boundaries"},
    "kind_indicator_table": {"nl": "gepubliceerde indicatoren", "en": "published indicators"},
    "sources": {"nl": "Bronnen", "en": "Sources"},
    "suppression": {"nl": "Onderdrukking", "en": "Suppression"},
    "public_counts": {
        "nl": "Aantallen van 1 tot 4 staan als <5, grotere afgerond op {round_to}.",
        "en": "Counts of 1 to 4 show as <5, larger ones rounded to {round_to}.",
    },
    "exact_counts": {
        "nl": "Exacte aantallen: alleen voor geautoriseerde gebruikers.",
        "en": "Exact counts: for authorised users only.",
    },
    "withheld_here": {
        "nl": "In deze briefing {n} cijfer(s) niet getoond.",
        "en": "{n} figure(s) withheld in this briefing.",
    },
    "generated": {
        "nl": "Gemaakt op {time} met de unease monitor",
        "en": "Generated {time} by the unease monitor",
    },
    "scale": {"nl": "schaal", "en": "scale"},
    "unknown_area": {"nl": "onbekend gebied: {area}", "en": "unknown area: {area}"},
    "unknown_period": {
        "nl": "geen cijfers voor periode {period} (beschikbaar: {periods})",
        "en": "no figures for period {period} (available: {periods})",
    },
}


#: Texts of the small-area estimates: the direct / model-based switch and the model checks.
TEXT.update(
    {
        "flag_synthetic": {
            "nl": "synthetisch (alleen model, geen respondenten)",
            "en": "synthetic (model only, no respondents)",
        },
        "method": {"nl": "Schatting", "en": "Estimate"},
        "method_direct": {"nl": "direct", "en": "direct"},
        "method_model": {"nl": "modelgeschat", "en": "model-based"},
        "shown_direct": {
            "nl": "Getoond: directe cijfers, uit de eigen gegevens van elk gebied (geen model).",
            "en": "Shown: direct figures, from each area's own data (no model).",
        },
        "shown_model": {
            "nl": "Getoond: modelschattingen (Fay–Herriot): de enquête van het gebied "
            "gecombineerd met een regressie op geregistreerde incidenten en context; hoe "
            "minder respondenten, hoe meer uit het model. Geen directe cijfers.",
            "en": "Shown: model-based estimates (Fay–Herriot): the area's survey combined "
            "with a regression on registered incidents and context; the fewer respondents, "
            "the more comes from the model. Not direct figures.",
        },
        "shown_model_where": {
            "nl": "Getoond: modelschattingen (Fay–Herriot) van de enquêtecijfers waar die er "
            "zijn, gemarkeerd als modelgeschat; de andere cijfers zijn direct.",
            "en": "Shown: model-based estimates (Fay–Herriot) of the survey figures where "
            "there are any, marked model-based; the other figures are direct.",
        },
        "model_definition": {
            "nl": "Modelschatting: het directe cijfer van het gebied en de voorspelling van een "
            "regressie, gewogen naar hun precisie (Fay–Herriot, REML; aandelen op "
            "arcsinus-wortelschaal); 95%-interval uit de MSE volgens Prasad–Rao. De "
            "controles van elk model staan op de pagina Data.",
            "en": "Model-based estimate: the area's direct figure and a regression "
            "prediction, weighted by their precision (Fay–Herriot, REML; shares on the "
            "arcsine-square-root scale); 95% interval from the Prasad–Rao MSE. The checks of "
            "every model are on the Data page.",
        },
        "model_share": {"nl": "aandeel uit model", "en": "share from model"},
        "model_none": {
            "nl": "Voor deze indicator, dit niveau en deze periode is er geen modelschatting "
            "(zie de controles op de pagina Data).",
            "en": "There is no model-based estimate for this indicator, level and period "
            "(see the checks on the Data page).",
        },
        "sae_title": {
            "nl": "Modelschattingen voor kleine gebieden: controles",
            "en": "Small-area model estimates: checks",
        },
        "sae_note": {
            "nl": "Per indicator, niveau en periode een Fay–Herriot-model (REML, MSE volgens "
            "Prasad–Rao; aandelen op arcsinus-wortelschaal). Een gebied zonder respondenten "
            "krijgt alleen een synthetische schatting als het model alle controles doorstaat.",
            "en": "One Fay–Herriot model per indicator, level and period (REML, Prasad–Rao "
            "MSE; shares on the arcsine-square-root scale). An area without respondents gets "
            "a synthetic estimate only when the model passes every check.",
        },
        "sae_none": {
            "nl": "Geen modelschattingen in deze build.",
            "en": "No model-based estimates in this build.",
        },
        "sae_passed": {"nl": "doorstaan", "en": "passed"},
        "sae_warn_too_few_areas": {"nl": "te weinig gebieden", "en": "too few areas"},
        "sae_warn_not_converged": {"nl": "niet geconvergeerd", "en": "did not converge"},
        "sae_warn_explains_little": {
            "nl": "model verklaart weinig",
            "en": "model explains little",
        },
        "sae_warn_residuals_not_normal": {
            "nl": "residuen niet normaal",
            "en": "residuals not normal",
        },
        "sae_warn_backtransform_bias": {
            "nl": "terugtransformatie vertekent > 1 punt",
            "en": "back-transformation bias > 1 point",
        },
        "sae_col_covariates": {"nl": "covariaten (coëfficiënt, se)", "en": "covariates (b, se)"},
        "sae_col_sigma2": {"nl": "variantie tussen gebieden", "en": "between-area variance"},
        "sae_col_explained": {"nl": "verklaard", "en": "explained"},
        "sae_col_areas": {"nl": "gebieden (synthetisch)", "en": "areas (synthetic)"},
        "sae_col_residuals": {
            "nl": "residuen (Shapiro-p, max |r|)",
            "en": "residuals (Shapiro p, max |r|)",
        },
        "sae_col_cv": {"nl": "mediane CV direct → model", "en": "median CV direct → model"},
        "sae_col_narrower": {"nl": "interval smaller", "en": "interval narrower"},
        "sae_col_checks": {"nl": "controles", "en": "checks"},
    }
)


def t(key: str, lang: str, **kwargs: object) -> str:
    """The text for ``key`` in ``lang`` (nl or en), formatted with kwargs."""
    text = TEXT[key].get(lang) or TEXT[key]["nl"]
    return text.format(**kwargs) if kwargs else text


def category_label(meta: dict, category: str, lang: str) -> str:
    """An incident category as a person names it: its indicator's name after the colon
    (from ``meta``, the served file's indicators, else the registry), else the code."""
    entry = meta.get(f"incident_rate.{category}")
    if entry is None:
        try:
            entry = registry_indicator(f"incident_rate.{category}")
        except KeyError:
            return category
    return entry.name[lang].split(": ", 1)[-1]


#: Where the product departs from methods.md, and why (shown on the Data page).
#: Each entry: topic, what methods.md says, what the product does, why, the setting.
DEPARTURES: list[dict[str, dict[str, str] | str]] = [
    {
        "topic": {"nl": "Hotspots: schaal", "en": "Hotspots: scale"},
        "methods": {"nl": "Gi* op gladgestreken cijfers (§6)", "en": "Gi* on smoothed rates (§6)"},
        "product": {
            "nl": "Gi* op de rangorde van de gladgestreken cijfers",
            "en": "Gi* on the ranks of the smoothed rates",
        },
        "why": {
            "nl": "Een centrum met extreme cijfers en weinig inwoners bepaalt anders gemiddelde "
            "en spreiding en verbergt elk ander cluster.",
            "en": "A centre with extreme rates and few residents otherwise sets the mean and "
            "spread and hides every other cluster.",
        },
        "setting": "hotspot_scale",
    },
    {
        "topic": {"nl": "Hotspots: wijkniveau", "en": "Hotspots: wijk level"},
        "methods": {
            "nl": "Hotspot alleen als hij op buurt- én wijkniveau standhoudt (§6)",
            "en": "A hotspot only when it holds at buurt and wijk level (§6)",
        },
        "product": {
            "nl": "Bij minder dan 30 wijken is het wijkniveau een controle (wijkcijfer boven de "
            "gemeente), geen Gi*-toets",
            "en": "With fewer than 30 wijken the wijk level is a check (wijk rate above the "
            "city), not a Gi* test",
        },
        "why": {
            "nl": "Met zo weinig wijken kan de permutatietoets na correctie nooit "
            "significant zijn.",
            "en": "With so few wijken the permutation test can never be significant after "
            "correction.",
        },
        "setting": "",
    },
    {
        "topic": {"nl": "Onbehagenindex: basis", "en": "Unease index: base"},
        "methods": {
            "nl": "Gemeente basisjaar = 100; de mediaan mag (§5)",
            "en": "City base year = 100; the median is allowed (§5)",
        },
        "product": {
            "nl": "Mediane buurt van het basisjaar van de reeks = 100",
            "en": "Median buurt of the base year of the series = 100",
        },
        "why": {
            "nl": "Het centrum trekt de gemeentelijke waarde ver boven de gewone buurt.",
            "en": "The centre pulls the city value far above the typical buurt.",
        },
        "setting": "",
    },
    {
        "topic": {"nl": "Onbehagenindex: totaal", "en": "Unease index: overall"},
        "methods": {
            "nl": "Gemiddelde van de aanwezige delen, met de ontbrekende genoemd (§5)",
            "en": "Mean of the parts present, naming the missing ones (§5)",
        },
        "product": {
            "nl": "Alleen als alle delen aanwezig zijn; anders 'onvolledig' met de ontbrekende "
            "delen genoemd",
            "en": "Only where all parts are present; otherwise 'incomplete', naming the missing "
            "parts",
        },
        "why": {
            "nl": "Een gemiddelde van minder delen is een andere index; incidenten alleen zijn "
            "een incidentenindex.",
            "en": "A mean of fewer parts is another index; incidents alone are an incident index.",
        },
        "setting": "",
    },
    {
        "topic": {"nl": "Kwadranten", "en": "Quadrants"},
        "methods": {
            "nl": "Alleen waar het interval de gemeentelijke waarde uitsluit (§5)",
            "en": "Only where the interval excludes the city value (§5)",
        },
        "product": {
            "nl": "Gemeentelijke waarde = mediaan van de gebieden van dat niveau en jaar; beide "
            "delen moeten hem uitsluiten",
            "en": "City value = median of the areas of that level and year; both parts must "
            "exclude it",
        },
        "why": {
            "nl": "Zelfde reden als de basis: een robuuste gemeentelijke waarde.",
            "en": "As for the base: a robust city value.",
        },
        "setting": "",
    },
    {
        "topic": {"nl": "Initiatieven: controles", "en": "Initiatives: controls"},
        "methods": {
            "nl": "Gematcht op eigen uitgangswaarde en context, buiten elk initiatief (§7)",
            "en": "Matched on own baseline and context, outside every initiative (§7)",
        },
        "product": {
            "nl": "Uitgangswaarde empirisch-Bayes gladgestreken; maanden en metingen van een "
            "controle tellen alleen zolang hij buiten elk actief initiatief en zijn ring "
            "ligt; vensters tot 24 maanden. Kruislings: één set gematcht op de oneven maanden "
            "en vergeleken op de even maanden, één andersom; de schatting is het gemiddelde "
            "van beide",
            "en": "Baseline smoothed by empirical Bayes; a control's months and survey waves "
            "count only while it lies outside every active initiative and its ring; windows up "
            "to 24 months. Cross-fitted: one set matched on the odd months and compared on the "
            "even months, one the other way round; the estimate is the mean of both",
        },
        "why": {
            "nl": "Controles gekozen op dezelfde tellingen waarmee ze vergeleken worden, zijn "
            "vaak toevallig hoog en vallen daarna terug (regressie naar het gemiddelde): een "
            "geplante halvering las 0,69 [0,42-1,13], kruislings 0,53 [0,32-0,89]. Buiten élk "
            "initiatief blijven over vier jaar bijna geen buurten over.",
            "en": "Controls chosen on the very counts they are compared with are often high by "
            "chance and fall back afterwards (regression to the mean): a planted halving read "
            "0.69 [0.42-1.13], cross-fitted 0.53 [0.32-0.89]. Over four years hardly any buurt "
            "stays outside every initiative.",
        },
        "setting": "initiative_cross_fit",
    },
    {
        "topic": {"nl": "Initiatieven: interval", "en": "Initiatives: interval"},
        "methods": {
            "nl": "Poisson of negatief-binomiaal model met buurt- en periode-effecten (§7)",
            "en": "Poisson or negative binomial model with area and period effects (§7)",
        },
        "product": {
            "nl": "Het interval van het model zelf (quasi-Poisson: Pearson-dispersie, minstens "
            "1, t-verdeling), geen permutatie; kolom 'inference' noemt het",
            "en": "The model's own interval (quasi-Poisson: Pearson dispersion, at least 1, "
            "t distribution), no permutation; column 'inference' names it",
        },
        "why": {
            "nl": "Overdispersie verbreedt het interval. Met elke geschikte controlebuurt als "
            "schijninitiatief sloot het 95%-interval op zeven demo's 1 uit in 5 van 187 gevallen "
            "(2,7%): niet te smal. Een permutatie over de 11-29 geschikte buurten komt niet "
            "onder p = 1/12 tot 1/30.",
            "en": "Overdispersion widens the interval. With each eligible control buurt as a "
            "pretend initiative the 95% interval excluded 1 in 5 of 187 cases (2.7%) on seven "
            "demos: not too narrow. A permutation over the 11-29 eligible buurten cannot go "
            "below p = 1/12 to 1/30.",
        },
        "setting": "",
    },
    {
        "topic": {"nl": "Initiatieven: enquête", "en": "Initiatives: survey"},
        "methods": {
            "nl": "Verhouding van cijfers op aantallen, met placebo (§7)",
            "en": "Ratio of rates on counts, with a placebo (§7)",
        },
        "product": {
            "nl": "Beleefde onveiligheid: verschil in verschillen van percentages; placebo: de "
            "metingen vóór het jaar voor de start tegen de meting van dat jaar",
            "en": "Perceived unsafety: difference in differences of shares; placebo: the waves "
            "before the year before the start against that year's wave",
        },
        "why": {
            "nl": "Een percentage is geen telling. Met één meting per jaar heeft een start in "
            "het jaar van de tweede meting geen placebo; de reden staat bij de uitkomst.",
            "en": "A share is no count. With one wave a year a start in the year of the second "
            "wave has no placebo; the reason is stored with the result.",
        },
        "setting": "",
    },
    {
        "topic": {"nl": "Trendbreuken", "en": "Series breaks"},
        "methods": {
            "nl": "Geen vergelijking over een trendbreuk van de enquête (§2)",
            "en": "No comparison across a survey series break (§2)",
        },
        "product": {
            "nl": "Een gedeclareerde breuk geldt voor elke reeks, ook incidenten",
            "en": "A declared break applies to every series, incidents too",
        },
        "why": {
            "nl": "Ook de politieregistratie kan van methode veranderen; declareer die op "
            "dezelfde manier.",
            "en": "Police registration can change method too; declare it the same way.",
        },
        "setting": "",
    },
    {
        "topic": {"nl": "Significant", "en": "Significant"},
        "methods": {
            "nl": "Benjamini–Hochberg binnen de getoonde familie (§2)",
            "en": "Benjamini–Hochberg within the family shown (§2)",
        },
        "product": {
            "nl": "Familie = alle gebieden van één indicator, niveau en periodepaar, ook waar een "
            "pagina er een deel van toont; N staat erbij",
            "en": "Family = all areas of one indicator, level and pair of periods, also where a "
            "page shows part of it; N is shown",
        },
        "why": {
            "nl": "Een vaste familie geeft elk gebied hetzelfde oordeel op elke pagina.",
            "en": "A fixed family gives an area the same verdict on every page.",
        },
        "setting": "fdr_alpha",
    },
]
