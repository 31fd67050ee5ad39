"""Flags of figures, from most to least confident, and the flag of a derived figure.

A figure derived from parts (an index, a sum over years, a gap) is never more
confident than its least confident part: its flag is the weakest of theirs.
"""

from __future__ import annotations

FLAG_ORDER = ("ok", "indicative", "synthetic", "incomplete", "suppressed", "no-denominator")


def weakest_flag(flags) -> str:
    """The least confident of the flags (:data:`FLAG_ORDER`; an unknown flag is weakest)."""
    rank = {f: i for i, f in enumerate(FLAG_ORDER)}
    return max(flags, key=lambda f: rank.get(f, len(FLAG_ORDER)))
