"""The stage rules, as a table: every (kind, before, after) pair and what it needs."""

from __future__ import annotations

import pytest

from statusgen.core.lifecycle import ALLOWED, BACKWARD, REFUSED, REOPEN, move, transition_error

INC, MNT = "incident", "maintenance"

# (kind, before, after, rule)
TABLE = [
    (INC, "investigating", "investigating", ALLOWED),
    (INC, "investigating", "identified", ALLOWED),
    (INC, "investigating", "monitoring", ALLOWED),
    (INC, "investigating", "resolved", ALLOWED),
    (INC, "identified", "investigating", BACKWARD),
    (INC, "identified", "identified", ALLOWED),
    (INC, "identified", "monitoring", ALLOWED),
    (INC, "identified", "resolved", ALLOWED),
    (INC, "monitoring", "investigating", BACKWARD),
    (INC, "monitoring", "identified", BACKWARD),
    (INC, "monitoring", "monitoring", ALLOWED),
    (INC, "monitoring", "resolved", ALLOWED),
    (INC, "resolved", "investigating", REOPEN),
    (INC, "resolved", "identified", REOPEN),
    (INC, "resolved", "monitoring", REOPEN),
    (INC, "resolved", "resolved", REFUSED),
    (MNT, "scheduled", "scheduled", ALLOWED),
    (MNT, "scheduled", "in_progress", ALLOWED),
    (MNT, "scheduled", "verifying", ALLOWED),
    (MNT, "scheduled", "completed", ALLOWED),
    (MNT, "in_progress", "scheduled", BACKWARD),
    (MNT, "in_progress", "verifying", ALLOWED),
    (MNT, "in_progress", "completed", ALLOWED),
    (MNT, "verifying", "in_progress", BACKWARD),
    (MNT, "verifying", "completed", ALLOWED),
    (MNT, "completed", "in_progress", REOPEN),
    (MNT, "completed", "completed", REFUSED),
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
    assert transition_error(INC, None, "monitoring") is None
    assert transition_error(INC, None, "investigating", reopened=True) == "the first update cannot reopen or go back"


def test_stage_of_the_wrong_kind():
    assert transition_error(INC, "investigating", "in_progress") == (
        "stage 'in_progress' is not valid here; incident stages are: investigating, identified, monitoring, resolved"
    )
