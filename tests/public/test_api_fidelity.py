"""The /api/v2/ endpoints as a client written against Atlassian Statuspage sees them: a strict
JSON Schema of the documented objects, field sets and types compared with Statuspage-shaped
responses (tests/fixtures/statuspage/), and each point where statusgen used to differ."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path

import feedparser
import icalendar
import jsonschema
import pytest
from conftest import NOW, ROOT, SMALL_CONFIG, write_repo
from repos import PUBLIC_FILES

from statusgen.build import build_sites

HERE = Path(__file__).resolve().parent.parent  # tests/
SCHEMA = json.loads((HERE / "schemas" / "statuspage-v2.json").read_text())
FIXTURES = HERE / "fixtures" / "statuspage"
ENDPOINTS = {
    "summary.json": "summary.json",
    "status.json": "status.json",
    "components.json": "components.json",
    "incidents.json": "incidents.json",
    "incidents/unresolved.json": "incidents-unresolved.json",
    "scheduled-maintenances.json": "scheduled-maintenances.json",
    "scheduled-maintenances/upcoming.json": "scheduled-maintenances-upcoming.json",
    "scheduled-maintenances/active.json": "scheduled-maintenances-active.json",
}
STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(Z|[+-]\d{2}:\d{2})$")

CONFIG = SMALL_CONFIG.replace("      company: Acme\n", "      company: Acme\n      created: 2024-03-01\n").replace(
    "        - id: db\n          name: Database\n",
    "        - id: db\n          name: Database\n          created: 2025-01-15T09:30:00Z\n",
)
# A maintenance nobody updated after scheduling it: its window (21 Nov 02:00-03:00) has passed.
FORGOTTEN = """\
id: 2026-11-21-db-patch
title: Database patch
kind: maintenance
components:
  db: under_maintenance
scheduled_for: 2026-11-21T02:00:00Z
scheduled_until: 2026-11-21T03:00:00Z
updates:
  - at: 2026-11-19T12:00:00Z
    stage: scheduled
    message: We will patch the database.
"""
VERIFYING = """\
id: 2026-11-22-web-move
title: Website move
kind: maintenance
components:
  web: under_maintenance
scheduled_for: 2026-11-22T15:00:00Z
scheduled_until: 2026-11-22T17:00:00Z
updates:
  - at: 2026-11-20T09:00:00Z
    stage: scheduled
    message: We will move the website.
  - at: 2026-11-22T15:00:00Z
    stage: in_progress
    message: The move has begun.
    components:
      web: under_maintenance
  - at: 2026-11-22T15:30:00Z
    stage: verifying
    message: Moved; we are checking.
  - at: 2026-11-22T15:45:00Z
    stage: verifying
    message: Still checking.
"""
# Hand-written: the resolve names no components.
RESOLVED = """\
id: 2026-11-22-api-errors
title: API errors
kind: incident
severity: SEV3
components:
  api: partial_outage
impact_start: 2026-11-22T10:00:00Z
updates:
  - at: 2026-11-22T10:05:00Z
    stage: investigating
    message: Errors.
    components:
      api: partial_outage
  - at: 2026-11-22T10:30:00Z
    stage: identified
    message: Found it.
    components:
      api: partial_outage
  - at: 2026-11-22T11:00:00Z
    stage: resolved
    message: Fixed.
"""
SCENARIO = {
    "incidents/2026/2026-11-21-db-patch.yaml": FORGOTTEN,
    "incidents/2026/2026-11-22-web-move.yaml": VERIFYING,
    "incidents/2026/2026-11-22-api-errors.yaml": RESOLVED,
}


def api(site: Path, path: str):
    return json.loads((site / "api" / "v2" / path).read_text())


@pytest.fixture(scope="module")
def scenario(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("scenario")
    root = write_repo(base / "repo", SCENARIO, config=CONFIG)
    build_sites(root, NOW, sites=("public",), out=base / "out")
    return base / "out"


@pytest.fixture(scope="module")
def sites(tmp_path_factory, scenario) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("sites")
    small = write_repo(base / "small", PUBLIC_FILES)
    build_sites(small, NOW, sites=("public",), out=base / "small-out")
    build_sites(ROOT, NOW, sites=("public",), out=base / "example-out")
    return {"small": base / "small-out", "example": base / "example-out", "scenario": scenario}


def validator(definition: str):
    return jsonschema.Draft202012Validator(
        {"$defs": SCHEMA["$defs"], "$ref": f"#/$defs/{definition}"}, format_checker=jsonschema.FormatChecker()
    )


# -- the schema and the recorded shapes -------------------------------------------------------


def test_every_endpoint_matches_the_strict_schema(sites):
    for name, site in sites.items():
        for path in ENDPOINTS:
            errors = sorted(validator(ENDPOINTS[path]).iter_errors(api(site, path)), key=str)
            assert not errors, (name, path, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:3]])


def test_the_schema_is_strict():
    data = json.loads((FIXTURES / "status.json").read_text())
    assert not list(validator("status.json").iter_errors(data))
    for broken in (
        {**data, "status": {**data["status"], "extra": 1}},  # no field Statuspage does not send
        {**data, "page": {k: v for k, v in data["page"].items() if k != "time_zone"}},  # none missing
        {**data, "page": {**data["page"], "updated_at": "2026-11-22T15:40:00Z"}},  # milliseconds
        {**data, "page": {**data["page"], "updated_at": "2026-13-22T15:40:00.000Z"}},  # a real date-time
        {**data, "status": {**data["status"], "indicator": "ok"}},
    ):
        assert list(validator("status.json").iter_errors(broken)), broken


def test_the_recorded_shapes_match_the_schema():
    for fixture in ENDPOINTS.values():
        data = json.loads((FIXTURES / fixture).read_text())
        errors = list(validator(fixture).iter_errors(data))
        assert not errors, (fixture, [e.message for e in errors[:3]])


def kind(value) -> str:
    return {bool: "boolean", int: "integer", float: "number", str: "string", list: "array", dict: "object"}.get(
        type(value), "null"
    )


def shape_differences(ours, theirs, where="$") -> list[str]:
    """Where ``ours`` has other keys or value types than ``theirs`` (null matches any type,
    as both sides have nullable fields; list items are compared with a recorded item of the
    same kind)."""
    if ours is None or theirs is None:
        return []
    if kind(ours) != kind(theirs):
        return [f"{where}: {kind(ours)} where Statuspage sends {kind(theirs)}"]
    if isinstance(ours, dict):
        problems = []
        if set(ours) != set(theirs):
            missing, extra = sorted(set(theirs) - set(ours)), sorted(set(ours) - set(theirs))
            problems.append(f"{where}: missing {missing}, extra {extra}")
        for key in set(ours) & set(theirs):
            problems += shape_differences(ours[key], theirs[key], f"{where}.{key}")
        return problems
    if isinstance(ours, list):
        problems = []
        for index, item in enumerate(ours):
            model = next((t for t in theirs if not isinstance(item, dict) or t.get("group") == item.get("group")), None)
            if model is None:
                if theirs:
                    problems.append(f"{where}[{index}]: no recorded item of this kind")
                continue
            problems += shape_differences(item, model, f"{where}[{index}]")
        return problems
    return []


def test_field_sets_and_types_match_recorded_statuspage_responses(sites):
    for name, site in sites.items():
        for path, fixture in ENDPOINTS.items():
            theirs = json.loads((FIXTURES / fixture).read_text())
            problems = shape_differences(api(site, path), theirs)
            assert not problems, (name, path, problems[:5])


def test_the_shape_comparison_notices_a_difference():
    theirs = json.loads((FIXTURES / "components.json").read_text())
    ours = json.loads(json.dumps(theirs))
    ours["components"][1]["position"] = "2"
    del ours["components"][2]["showcase"]
    assert sorted(shape_differences(ours, theirs)) == [
        "$.components[1].position: string where Statuspage sends integer",
        "$.components[2]: missing ['showcase'], extra []",
    ]


# -- the points where statusgen used to differ -------------------------------------------------


def test_indicator_is_maintenance_while_maintenance_runs_and_nothing_is_worse(scenario):
    status = api(scenario, "status.json")["status"]
    assert status == {"indicator": "maintenance", "description": "Service Under Maintenance"}
    assert api(scenario, "summary.json")["status"] == status


def every_time(data, key=""):
    if isinstance(data, dict):
        for k, v in data.items():
            yield from every_time(v, k)
    elif isinstance(data, list):
        for item in data:
            yield from every_time(item, key)
    elif key.endswith(("_at", "_for", "_until")) and data is not None:
        yield key, data


def test_every_timestamp_has_milliseconds_and_an_offset(sites):
    seen = 0
    for site in sites.values():
        for path in ENDPOINTS:
            for key, value in every_time(api(site, path)):
                assert STAMP.match(value), (path, key, value)
                seen += 1
    assert seen > 200
    page = api(sites["small"], "status.json")["page"]
    assert page["updated_at"] == "2026-11-22T15:40:00.000Z"


def test_updates_list_the_statuses_they_changed_including_the_return_to_operational(scenario):
    (incident,) = api(scenario, "incidents.json")["incidents"]
    resolved, identified, investigating = incident["incident_updates"]
    assert investigating["affected_components"] == [
        {"code": "api", "name": "API", "old_status": "operational", "new_status": "partial_outage"}
    ]
    assert identified["affected_components"] is None  # it named api again, at the same status
    assert resolved["affected_components"] == [
        {"code": "api", "name": "API", "old_status": "partial_outage", "new_status": "operational"}
    ]


def test_component_times_are_its_own(scenario):
    components = {c["id"]: c for c in api(scenario, "components.json")["components"]}
    # created_at: the component's `created`, else the site's; never an incident's time.
    assert components["db"]["created_at"] == "2025-01-15T09:30:00.000Z"
    assert components["api"]["created_at"] == "2024-03-01T00:00:00.000Z"
    # updated_at: the last change of its status.
    assert components["api"]["updated_at"] == "2026-11-22T11:00:00.000Z"  # back to operational
    assert components["web"]["updated_at"] == "2026-11-22T15:00:00.000Z"  # under maintenance since
    assert components["db"]["updated_at"] == "2026-11-21T03:00:00.000Z"  # its maintenance ended
    assert components["core"]["updated_at"] == "2026-11-22T15:00:00.000Z"  # a group: its latest
    assert components["core"]["created_at"] == "2024-03-01T00:00:00.000Z"


def test_a_passed_maintenance_window_is_completed_everywhere(scenario):
    for path in ("summary.json", "scheduled-maintenances/upcoming.json", "scheduled-maintenances/active.json"):
        assert "2026-11-21-db-patch" not in [m["id"] for m in api(scenario, path)["scheduled_maintenances"]], path
    (patch,) = [
        m
        for m in api(scenario, "scheduled-maintenances.json")["scheduled_maintenances"]
        if m["id"] == "2026-11-21-db-patch"
    ]
    assert patch["status"] == "completed"
    assert patch["started_at"] == "2026-11-21T02:00:00.000Z"
    assert patch["resolved_at"] == "2026-11-21T03:00:00.000Z"
    assert [u["status"] for u in patch["incident_updates"]] == ["completed", "in_progress", "scheduled"]
    assert patch["incident_updates"][1]["affected_components"] == [
        {"code": "db", "name": "Database", "old_status": "operational", "new_status": "under_maintenance"}
    ]
    # the page, the feed and the calendar say the same
    home = (scenario / "index.html").read_text()
    assert "Database patch" not in home.split('id="sg-past"')[0], "neither active nor upcoming"
    assert "Database patch" in home.split('id="sg-past"')[1], "among the last days' past incidents"
    page = (scenario / "incidents" / "2026-11-21-db-patch" / "index.html").read_text()
    assert "The scheduled maintenance window has ended" in page and "Completed" in page
    feed = feedparser.parse((scenario / "feed.atom").read_bytes())
    (entry,) = [e for e in feed.entries if "Database patch" in e.title]
    assert entry.title == "Maintenance: Database patch (Completed)"
    assert entry.updated == "2026-11-21T03:00:00+00:00"
    calendar = icalendar.Calendar.from_ical((scenario / "maintenance.ics").read_bytes())
    (event,) = [e for e in calendar.walk("VEVENT") if "Database patch" in str(e["SUMMARY"])]
    assert "Completed" in str(event["DESCRIPTION"]) and int(event["SEQUENCE"]) == 2


def test_a_passed_window_stays_in_progress_when_configured(tmp_path):
    config = CONFIG.replace("      company: Acme\n", "      company: Acme\n      maintenance_auto_complete: false\n")
    root = write_repo(tmp_path / "repo", {"incidents/2026/2026-11-21-db-patch.yaml": FORGOTTEN}, config=config)
    build_sites(root, NOW, sites=("public",), out=tmp_path / "out")
    active = api(tmp_path / "out", "scheduled-maintenances/active.json")["scheduled_maintenances"]
    assert [(m["id"], m["status"], m["resolved_at"]) for m in active] == [("2026-11-21-db-patch", "in_progress", None)]
    assert api(tmp_path / "out", "scheduled-maintenances/upcoming.json")["scheduled_maintenances"] == []
    assert api(tmp_path / "out", "status.json")["status"]["indicator"] == "maintenance"
    assert "Database patch" in (tmp_path / "out" / "index.html").read_text()


def test_monitoring_at_is_set_when_a_maintenance_enters_verifying(scenario):
    (move,) = api(scenario, "scheduled-maintenances/active.json")["scheduled_maintenances"]
    assert move["status"] == "verifying"
    assert move["monitoring_at"] == "2026-11-22T15:30:00.000Z"  # entered at 15:30, not the 15:45 update
    assert move["resolved_at"] is None


def test_the_api_is_the_same_bytes_for_the_same_input(tmp_path, scenario):
    root = write_repo(tmp_path / "repo", SCENARIO, config=CONFIG)
    build_sites(root, NOW, sites=("public",), out=tmp_path / "out")
    for path in ENDPOINTS:
        assert (tmp_path / "out" / "api" / "v2" / path).read_bytes() == (scenario / "api" / "v2" / path).read_bytes()


def test_a_created_date_that_is_not_a_date_is_refused(tmp_path):
    from statusgen.core.errors import ValidationError
    from statusgen.sources.repository import load_repository

    root = write_repo(tmp_path / "repo", {}, config=CONFIG.replace("created: 2024-03-01", "created: last spring"))
    with pytest.raises(ValidationError) as caught:
        load_repository(root, now=datetime(2026, 11, 22, tzinfo=timezone.utc))
    assert "mkdocs.yml:9: created: 'last spring' is not a time" in str(caught.value)
