"""Queries of the dashboard: plain functions of a Store and bound parameters.

One module per responsibility; pages read them as ``queries.<name>``.
"""

from dashboard.queries.analyses import (  # noqa: F401
    alerts,
    funnel,
    hotspots_withheld,
    incident_points,
    initiative_coverage,
    initiative_points,
    perception_gap,
    significant_changes,
    stable_hotspots,
)
from dashboard.queries.area_detail import (  # noqa: F401
    area_hotspots,
    area_info,
    category_counts,
    category_sensitive,
    context_values,
    index_parts_missing,
    initiatives_near,
    period_category_counts,
    similar_areas,
)
from dashboard.queries.catalog import (  # noqa: F401
    HEADLINE,
    LEVELS,
    METHODS,
    ROLES,
    area_codes,
    area_name,
    areas,
    city,
    has_table,
    indicator_ids,
    indicator_meta,
    is_public,
    levels,
    periods,
    rules,
    setting,
)
from dashboard.queries.gate import (  # noqa: F401
    VIEW_CACHE_AREAS,
    VIEW_ENTRY_AREAS,
    disclose,
    view_cache,
)
from dashboard.queries.geometry import (  # noqa: F401
    area_bounds,
    area_level,
    area_outlines,
    area_points,
    geojson_bytes,
    geojson_gzip,
    geojson_url,
    level_bounds,
)
from dashboard.queries.places import (  # noqa: F401
    SEARCH_LIMIT,
    counterpart,
    places,
    search_areas,
)
from dashboard.queries.provenance import (  # noqa: F401
    DATA_TABLES,
    attribution,
    boundary_vintages,
    harmonised_marks,
    period_marks,
    quarantine_summary,
    rules_text,
    table_rows,
)
from dashboard.queries.values import (  # noqa: F401
    PRELOAD_ROWS,
    VALUE_COLUMNS,
    area_trend,
    area_values,
    latest_values,
    public_area_columns,
    public_area_values,
    trend_series,
)
