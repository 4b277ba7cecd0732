"""The stage rules, as a table: every (kind, before, after) pair and what it needs."""

from __future__ import annotations

import pytest

from statusgen.lifecycle import ALLOWED, BACKWARD, REFUSED, REOPEN, move, transition_error

I, M = "incident", "maintenance"

# (kind, before, after, rule)
TABLE = [
    (I, "investigating", "investigating", ALLOWED),
    (I, "investigating", "identified", ALLOWED),
    (I, "investigating", "monitoring", ALLOWED),
    (I, "investigating", "resolved", ALLOWED),
    (I, "identified", "investigating", BACKWARD),
    (I, "identified", "identified", ALLOWED),
    (I, "identified", "monitoring", ALLOWED),
    (I, "identified", "resolved", ALLOWED),
    (I, "monitoring", "investigating", BACKWARD),
    (I, "monitoring", "identified", BACKWARD),
    (I, "monitoring", "monitoring", ALLOWED),
    (I, "monitoring", "resolved", ALLOWED),
    (I, "resolved", "investigating", REOPEN),
    (I, "resolved", "identified", REOPEN),
    (I, "resolved", "monitoring", REOPEN),
    (I, "resolved", "resolved", REFUSED),
    (M, "scheduled", "scheduled", ALLOWED),
    (M, "scheduled", "in_progress", ALLOWED),
    (M, "scheduled", "verifying", ALLOWED),
    (M, "scheduled", "completed", ALLOWED),
    (M, "in_progress", "scheduled", BACKWARD),
    (M, "in_progress", "verifying", ALLOWED),
    (M, "in_progress", "completed", ALLOWED),
    (M, "verifying", "in_progress", BACKWARD),
    (M, "verifying", "completed", ALLOWED),
    (M, "completed", "in_progress", REOPEN),
    (M, "completed", "completed", REFUSED),
]


@pytest.mark.parametrize("kind,before,after,rule", TABLE)
def test_move_table(kind, before, after, rule):
    assert move(kind, before, after) == rule


@pytest.mark.parametrize("kind,before,after,rule", TABLE)
def test_what_each_move_needs(kind, before, after, rule):
    plain = transition_error(kind, before, after)
    flagged_back = transition_error(kind, before, after, backward=True)
    flagged_reopen = transition_error(kind, before, after, reopened=True)
    if rule == ALLOWED:
        assert plain is None
        assert "only for a move back" in flagged_back
        assert "only for a move back" in flagged_reopen
    elif rule == BACKWARD:
        assert f"stage cannot go back from {before} to {after}; pass --backward" in plain
        assert flagged_back is None
    elif rule == REOPEN:
        assert "run `statusgen reopen`" in plain
        assert flagged_reopen is None
        assert flagged_back is not None
    else:
        assert f"already {before}" in plain
        assert flagged_back and flagged_reopen


def test_first_update_may_start_anywhere_but_cannot_reopen():
    assert transition_error(I, None, "monitoring") is None
    assert transition_error(I, None, "investigating", reopened=True) == "the first update cannot reopen or go back"


def test_stage_of_the_wrong_kind():
    assert transition_error(I, "investigating", "in_progress") == (
        "stage 'in_progress' is not valid here; incident stages are: investigating, identified, monitoring, resolved"
    )
