"""Statistics that a library does better than SQL: smoothing, trends, hotspots, composites."""
