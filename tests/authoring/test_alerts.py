"""`statusgen new --from-alert`: a payload that is not Alertmanager's webhook shape is a clean
error listing what is wrong (nothing written), and what it writes always passes `validate`."""

from __future__ import annotations

import copy
import json

import pytest
from conftest import SMALL_CONFIG, run_cli, write_repo
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from statusgen.sources.config import load_config
from statusgen.sources.incident_file import read_incident

ALERT = {
    "status": "firing",
    "labels": {"alertname": "ApiDown", "component": "api", "severity": "critical"},
    "annotations": {"summary": "API is down"},
    "startsAt": "2026-11-22T15:50:00.123456789Z",
    "endsAt": "0001-01-01T00:00:00Z",
    "generatorURL": "https://prom.example.test/graph",
    "fingerprint": "5f1c0a7e3b2d9e41",
}
PAYLOAD = {
    "version": "4",
    "groupKey": "{}:{}",
    "truncatedAlerts": 0,
    "status": "firing",
    "receiver": "statusgen",
    "groupLabels": {},
    "commonLabels": {"component": "api"},
    "commonAnnotations": {},
    "externalURL": "https://am.example.test",
    "alerts": [ALERT],
}


def payload(**alert) -> dict:
    data = copy.deepcopy(PAYLOAD)
    data["alerts"][0].update(alert)
    return data


@pytest.fixture
def repo(tmp_path):
    return write_repo(tmp_path / "repo", {})


def declare_from(root, text: str):
    (root / "alert.json").write_text(text)
    return run_cli(root, "new", "--from-alert", str(root / "alert.json"))


def written(root):
    return sorted((root / "incidents").rglob("*.yaml")) if (root / "incidents").is_dir() else []


def assert_refused(result, root, *expected):
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)  # not a traceback
    assert "Traceback" not in result.output
    for text in expected:
        assert text in result.output, result.output
    assert written(root) == []


def test_the_valid_payload_declares_with_a_public_title_and_the_summary_kept_internal(repo):
    result = declare_from(repo, json.dumps(PAYLOAD))
    assert result.exit_code == 0, result.output
    (path,) = written(repo)
    incident, problems = read_incident(path, path.read_bytes(), load_config(repo), "x.yaml", None)
    assert incident is not None and incident.title == "Partial outage of API" and incident.severity == "SEV2"
    assert incident.impact_start.isoformat() == "2026-11-22T15:50:00+00:00"
    assert incident.updates[0].internal_note == (
        "Declared from an Alertmanager payload.\n"
        "Summary: API is down\n"
        "ApiDown firing since 2026-11-22T15:50:00.123456789Z (component=api, severity=critical)\n"
        "  https://prom.example.test/graph\nAlertmanager: https://am.example.test"
    )


MAPPED = (
    SMALL_CONFIG
    + """\
      alertmanager:
        templates: {ApiDown: high-latency, "team=payments": third-party-outage}
"""
)


@pytest.mark.parametrize(
    "labels, title, template",
    [
        ({}, "Slower than normal response times", "high-latency"),  # by the alert's name
        (
            {"alertname": "CardsFailing", "team": "payments"},
            "Disruption caused by an external provider",
            "third-party-outage",
        ),  # by a label
        ({"alertname": "Other"}, "Partial outage of API", ""),  # not mapped: the plain title
    ],
)
def test_a_template_mapped_to_the_alert_gives_the_public_title_and_first_message(tmp_path, labels, title, template):
    root = write_repo(tmp_path / "repo", {}, MAPPED)
    alert_labels = {**ALERT["labels"], **labels}
    result = declare_from(root, json.dumps(payload(labels=alert_labels)))
    assert result.exit_code == 0, result.output
    (path,) = written(root)
    incident, _ = read_incident(path, path.read_bytes(), load_config(root), "x.yaml", None)
    assert incident is not None and incident.title == title
    assert "API is down" not in incident.updates[0].message and "API is down" in incident.updates[0].internal_note
    assert incident.template == template
    # --title still wins
    (root / "incidents").rename(root / "earlier")
    result = run_cli(root, "new", "--from-alert", str(root / "alert.json"), "--title", "Checkout is slow")
    assert result.exit_code == 0, result.output
    assert "title: Checkout is slow" in written(root)[0].read_text()


def test_validate_names_a_mapped_template_that_does_not_exist(tmp_path):
    config = MAPPED.replace("third-party-outage", "no-such-template")
    root = write_repo(tmp_path / "repo", {}, config)
    result = run_cli(root, "validate")
    assert result.exit_code == 1
    assert "mkdocs.yml: alertmanager templates maps 'team=payments' to 'no-such-template', which is not an" in (
        result.output
    )
    bad = write_repo(tmp_path / "bad", {}, MAPPED.replace("high-latency", "'../../etc/passwd'"))
    result = run_cli(bad, "validate")
    assert result.exit_code == 1 and "mkdocs.yml:" in result.output and "which is not a template name" in result.output


WRONG = {
    "annotations-text": (
        dict(PAYLOAD, commonAnnotations="summary: x"),
        "'commonAnnotations' is text; expected an object of names and text values",
    ),
    "month-13": (payload(startsAt="2026-13-45T99:99:99Z"), "startsAt '2026-13-45T99:99:99Z' is not a time"),
    "overflow": (payload(startsAt="9999-12-31T23:59:59-14:00"), "startsAt '9999-12-31T23:59:59-14:00' is not a time"),
    "newline": (payload(startsAt="2026-11-22T15:50:00Z\n"), "startsAt '2026-11-22T15:50:00Z\\n' is not a time"),
    "summary-object": (payload(annotations={"summary": {"a": 1}}), "'annotations': 'summary' is an object"),
    "label-number": (
        payload(labels={"alertname": "ApiDown", "component": 7}),
        "alert 1: 'labels': 'component' is a number; expected text",
    ),
    "status": (payload(status="pending"), 'status is \'pending\'; expected "firing" or "resolved"'),
}


@pytest.mark.parametrize("case", WRONG)
def test_a_payload_of_the_wrong_shape_is_a_clean_error(repo, case):
    data, expected = WRONG[case]
    assert_refused(declare_from(repo, json.dumps(data)), repo, expected)


def test_every_problem_is_listed_at_once(repo):
    data = payload(startsAt="yesterday", annotations="x")
    data["commonLabels"] = []
    result = declare_from(repo, json.dumps(data))
    assert_refused(
        result,
        repo,
        "alert.json: 'commonLabels' is a list; expected an object",
        "alert.json: alert 1 (ApiDown): 'annotations' is text; expected an object",
        "alert.json: alert 1 (ApiDown): startsAt 'yesterday' is not a time",
        "Aborted with 3 errors.",
    )


def test_json_python_cannot_hold_is_a_clean_error(repo):
    deep = '{"version": "4", "alerts": ' + "[" * 100_000 + "]" * 100_000 + "}"
    assert_refused(declare_from(repo, deep), repo, "nested too deeply")
    digits = '{"version": "4", "truncatedAlerts": ' + "9" * 100_000 + ', "alerts": []}'
    assert_refused(declare_from(repo, digits), repo, "a number of 100000 digits")


def test_a_huge_summary_is_cut_so_the_file_passes_validate(repo):
    result = declare_from(repo, json.dumps(payload(annotations={"summary": "Slow " * 400_000})))  # 2 MB
    assert result.exit_code == 0, result.output
    assert "cut: Lines marked [cut] are cut to 1000 characters." in result.output
    (path,) = written(repo)
    assert path.stat().st_size < 20_000
    text = path.read_text()
    assert "Summary: Slow Slow" in text and "[cut]" in text  # in the internal note, never the title
    assert "title: Partial outage of API" in text
    validated = run_cli(repo, "validate")
    assert validated.exit_code == 0, validated.output


def test_twenty_thousand_alerts_are_counted_not_listed(repo):
    data = copy.deepcopy(PAYLOAD)
    data["alerts"] = [dict(ALERT, labels=dict(ALERT["labels"], pod=f"api-{n}")) for n in range(20_000)]
    result = declare_from(repo, json.dumps(data))
    assert result.exit_code == 0, result.output
    (path,) = written(repo)
    text = path.read_text()
    assert path.stat().st_size < 100_000
    assert "19,950 more firing alerts are not listed (the note lists 50)." in text
    assert "pod=api-49" in text and "pod=api-50" not in text
    validated = run_cli(repo, "validate")
    assert validated.exit_code == 0, validated.output


def test_long_labels_and_control_characters_are_cut_and_escaped_in_the_note(repo):
    data = payload(
        labels={"alertname": "ApiDown", "component": "api", "severity": "critical", "detail": "d" * 100_000},
        annotations={"summary": "\x1b]0;pwned\x07 API\u2028is down"},
    )
    result = declare_from(repo, json.dumps(data))
    assert result.exit_code == 0, result.output
    (path,) = written(repo)
    assert "\x1b" not in path.read_text()
    assert "Lines marked [cut] are cut to 1000 characters." in path.read_text()
    validated = run_cli(repo, "validate")
    assert validated.exit_code == 0, validated.output


# -- property: any input ends in a clean error or a valid file ---------------------------------------

JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
HOSTILE_TEXT = st.text(max_size=300) | st.sampled_from(
    ["", " ", "2026-11-22T15:50:00Z\n", "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "{'a': 1}"]
)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


# The values statusgen reads: each gets values of other types more often than the rest.
READ_PATHS = [
    ("version",),
    ("status",),
    ("commonAnnotations",),
    ("commonAnnotations", "summary"),
    ("externalURL",),
    ("alerts",),
    ("alerts", 0),
    ("alerts", 0, "status"),
    ("alerts", 0, "labels"),
    ("alerts", 0, "labels", "alertname"),
    ("alerts", 0, "labels", "severity"),
    ("alerts", 0, "labels", "component"),
    ("alerts", 0, "annotations"),
    ("alerts", 0, "annotations", "summary"),
    ("alerts", 0, "startsAt"),
    ("alerts", 0, "generatorURL"),
]
WRONG_TYPES = st.sampled_from(["x", "", 0, -1, 1.5, True, None, [], {}, {"a": 1}, ["x"], "9999-12-31T23:59:59-14:00"])


def _container(data, path):
    """What holds the value at ``path`` in ``data``, or None when the path is gone."""
    for step in path:
        holder = data
        found = (isinstance(data, dict) and step in data) or (
            isinstance(data, list) and isinstance(step, int) and step < len(data)
        )
        if not found:
            return None
        data = data[step]
    return holder


@st.composite
def mutated(draw):
    """The valid payload with a value or two replaced (by a value of another type, any JSON-ish
    value or hostile text) or removed."""
    data = copy.deepcopy(PAYLOAD)
    for _ in range(draw(st.integers(1, 2))):
        path = draw(st.sampled_from([p for p in _paths(data) if p]) | st.sampled_from(READ_PATHS))
        parent = _container(data, path)
        if parent is None:  # an earlier change removed it
            continue
        how = draw(st.sampled_from(["type", "type", "replace", "text", "remove"]))
        if how == "remove" and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw({"type": WRONG_TYPES, "replace": JSONISH}.get(how, HOSTILE_TEXT))
    return data


@st.composite
def hostile_text(draw):
    """The valid payload with any text where statusgen copies text into the file (title, note)."""
    data = copy.deepcopy(PAYLOAD)
    alert = data["alerts"][0]
    alert["labels"]["alertname"] = draw(HOSTILE_TEXT)
    alert["labels"][draw(st.text(max_size=20))] = draw(HOSTILE_TEXT)
    alert["annotations"]["summary"] = draw(HOSTILE_TEXT)
    alert["generatorURL"] = draw(HOSTILE_TEXT)
    data["externalURL"] = draw(HOSTILE_TEXT)
    if draw(st.booleans()):
        data["commonAnnotations"]["summary"] = draw(HOSTILE_TEXT)
    return data


def check_clean_or_valid(root, data):
    result = declare_from(root, json.dumps(data))
    try:
        assert result.exit_code in (0, 1, 2), (result.exit_code, result.output, data)
        assert result.exception is None or isinstance(result.exception, SystemExit), (repr(result.exception), data)
        assert "Traceback" not in result.output
        if result.exit_code == 0:
            validated = run_cli(root, "validate")
            assert validated.exit_code == 0, (validated.output, data)
        else:
            assert written(root) == []
    finally:
        for path in written(root):
            path.unlink()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=JSONISH | st.dictionaries(st.sampled_from(list(PAYLOAD)), JSONISH, max_size=6) | hostile_text())
def test_any_json_is_a_clean_error_or_a_valid_file(repo, data):
    check_clean_or_valid(repo, data)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=mutated())
@example(data=dict(PAYLOAD, commonAnnotations="x"))  # inputs that once ended in a traceback
@example(data=payload(startsAt="9999-12-31T23:59:59-14:00"))
def test_any_change_to_a_valid_payload_is_a_clean_error_or_a_valid_file(repo, data):
    check_clean_or_valid(repo, data)
