"""`statusgen schema`: made from the loader's field table, so every example passes both and every
bad file fails both (field by field, so a field added to one and not the other is caught)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import ROOT, SMALL_CONFIG, write_repo
from jsonschema import Draft202012Validator

from statusgen.authoring import init as scaffolding
from statusgen.cli import main
from statusgen.core import fields
from statusgen.sources.config import load_config
from statusgen.sources.incident_file import read_incident
from statusgen.sources.schema import incident_schema


class _Loader(yaml.SafeLoader):
    """YAML as an editor's language server reads it: times stay text."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def schema_errors(schema: dict, text: str) -> list[str]:
    return [e.message for e in Draft202012Validator(schema).iter_errors(yaml.load(text, Loader=_Loader))]


def loader_errors(root: Path, name: str, text: str) -> list[str]:
    config = load_config(root)
    path = root / "incidents" / "2026" / f"{name}.yaml"
    incident, problems = read_incident(path, text.encode(), config, path.name, None)
    return [p.message for p in problems if p.is_error]


def test_the_schema_is_valid_draft_2020_12():
    schema = incident_schema(load_config(ROOT))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert list(schema["properties"]) == list(fields.INCIDENT_FIELDS)
    assert list(schema["$defs"]["update"]["properties"]) == list(fields.UPDATE_FIELDS)
    assert schema["properties"]["components"]["anyOf"][0]["propertyNames"]["enum"][:2] == ["api", "dashboard"]


def test_every_example_incident_passes_the_schema():
    schema = incident_schema(load_config(ROOT))
    paths = sorted((ROOT / "incidents").rglob("*.yaml"))
    assert len(paths) >= 10
    for path in paths:
        assert schema_errors(schema, path.read_text()) == [], path.name


def test_init_writes_the_schema_and_points_its_incident_at_it(tmp_path):
    target = tmp_path / "s"
    result = CliRunner().invoke(
        main, ["--now", "2026-11-28T05:00:00Z", "init", str(target), "--yes", "-c", "db=Database"]
    )
    assert result.exit_code == 0, result.output
    (incident,) = (target / "incidents").rglob("*.yaml")
    first = incident.read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../incident.schema.json"
    assert (incident.parent / "../../incident.schema.json").resolve() == (target / "incident.schema.json").resolve()
    schema = json.loads((target / "incident.schema.json").read_text())
    assert schema_errors(schema, incident.read_text()) == []
    # an incident `new` writes there points at the schema too
    result = CliRunner().invoke(
        main,
        ["-C", str(target), "--now", "2026-11-28T05:10:00Z", "new", "-t", "Database slow", "-s", "SEV3", "-c",
         "db=degraded_performance", "-m", "Looking."],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    written = target / result.output.strip().splitlines()[0]
    assert written.read_text().splitlines()[0] == "# yaml-language-server: $schema=../../incident.schema.json"
    assert schema_errors(schema, written.read_text()) == []
    # `statusgen schema` there prints the very same file, and --check agrees
    result = CliRunner().invoke(main, ["-C", str(target), "schema"])
    assert result.exit_code == 0 and result.output == (target / "incident.schema.json").read_text()
    result = CliRunner().invoke(main, ["-C", str(target), "schema", "--check", str(target / "incident.schema.json")])
    assert result.exit_code == 0, result.output
    config = target / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "        - id: db\n", "        - id: cache\n          name: Cache\n        - id: db\n"
        )
    )
    result = CliRunner().invoke(main, ["-C", str(target), "schema", "--check", str(target / "incident.schema.json")])
    assert result.exit_code == 1 and "is out of date; run: statusgen schema -o" in result.output


def test_schema_outside_a_repository_is_generic(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.output)
    assert schema["properties"]["severity"]["enum"] == ["SEV1", "SEV2", "SEV3", "SEV4"]
    assert "pattern" in schema["properties"]["components"]["anyOf"][0]["propertyNames"]


GOOD = """\
id: 2026-11-20-api-errors
title: API errors
severity: SEV3
components:
  api: partial_outage
impact_start: 2026-11-20T10:00:00Z
commander: carol
roles: {comms: dan}
runbooks: [api-errors]
drill: false
updates:
  - at: 2026-11-20T10:10:00Z
    stage: investigating
    message: We are looking into failed API requests.
    internal_note: ""
    components: {api: partial_outage}
    severity: SEV3
  - at: 2026-11-20T11:10:00Z
    stage: resolved
    message: Fixed.
    components: {api: operational}
"""

MAINTENANCE = """\
id: 2026-12-03-db-upgrade
title: Database upgrade
kind: maintenance
components: [db]
scheduled_for: 2026-12-03T02:00:00Z
scheduled_until: 2026-12-03T03:00:00Z
updates:
  - at: 2026-11-25T10:00:00Z
    stage: scheduled
    message: We will upgrade the database.
"""

BAD = {
    "missing title": GOOD.replace("title: API errors\n", ""),
    "unknown key": GOOD.replace("title:", "titel: x\ntitle:"),
    "unknown severity": GOOD.replace("severity: SEV3\ncomponents", "severity: SEV9\ncomponents"),
    "unknown component": GOOD.replace("  api: partial_outage\nimpact", "  apii: partial_outage\nimpact"),
    "unknown status": GOOD.replace("  api: partial_outage\nimpact", "  api: broken\nimpact"),
    "time without zone": GOOD.replace("impact_start: 2026-11-20T10:00:00Z", "impact_start: '2026-11-20T10:00:00'"),
    "time that is not a time": GOOD.replace("impact_start: 2026-11-20T10:00:00Z", "impact_start: yesterday"),
    "no updates": GOOD.split("updates:")[0] + "updates: []\n",
    "update without message": GOOD.replace("    message: Fixed.\n", ""),
    "update with unknown key": GOOD.replace("    message: Fixed.\n", "    message: Fixed.\n    note: x\n"),
    "incident stage in a maintenance": MAINTENANCE.replace("stage: scheduled", "stage: investigating"),
    "maintenance stage in an incident": GOOD.replace("stage: investigating", "stage: scheduled"),
    "drill not a boolean": GOOD.replace("drill: false", "drill: maybe"),
    "scheduled_for on an incident": GOOD.replace("commander:", "scheduled_for: 2026-11-21T10:00:00Z\ncommander:"),
    "maintenance without its end": MAINTENANCE.replace("scheduled_until: 2026-12-03T03:00:00Z\n", ""),
    "incident without severity": GOOD.replace("severity: SEV3\ncomponents", "components"),
    "incident without impact_start": GOOD.replace("impact_start: 2026-11-20T10:00:00Z\n", ""),
    "a list of components on an incident": GOOD.replace("components:\n  api: partial_outage\n", "components: [api]\n"),
    "bad id": GOOD.replace("id: 2026-11-20-api-errors", "id: API errors"),
    "runbooks not a list": GOOD.replace("runbooks: [api-errors]", "runbooks: {a: b}"),
    "empty title": GOOD.replace("title: API errors", "title: ' '"),
}


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    config = SMALL_CONFIG.replace("        - id: db\n", "        - id: db\n")
    return write_repo(tmp_path_factory.mktemp("schema") / "repo", {}, config)


@pytest.fixture(scope="module")
def schema(repo):
    return incident_schema(load_config(repo))


def _name(text: str) -> str:
    return yaml.load(text, Loader=_Loader).get("id", "2026-11-20-api-errors") if "id: API" not in text else "x"


@pytest.mark.parametrize("text", [GOOD, MAINTENANCE], ids=["incident", "maintenance"])
def test_good_files_pass_both(repo, schema, text):
    assert schema_errors(schema, text) == []
    assert loader_errors(repo, _name(text), text) == []


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_files_fail_both_the_schema_and_validate(repo, schema, case):
    text = BAD[case]
    assert schema_errors(schema, text), f"{case}: the schema accepts it"
    assert loader_errors(repo, _name(text), text), f"{case}: the loader accepts it"


def _wrong_value(kind: str):
    """A value of the wrong shape for a field of ``kind``."""
    return ["a", "b"] if kind in ("text_map", "components") else {"a": {"b": 1}}


@pytest.mark.parametrize("name", sorted(fields.INCIDENT_FIELDS))
def test_each_incident_field_with_a_wrong_value_fails_both(repo, schema, name):
    data = yaml.load(GOOD, Loader=_Loader)
    data[name] = _wrong_value(fields.INCIDENT_FIELDS[name].kind)
    text = yaml.safe_dump(data, sort_keys=False)
    assert schema_errors(schema, text), name
    assert loader_errors(repo, "2026-11-20-api-errors", text), name


@pytest.mark.parametrize("name", sorted(fields.UPDATE_FIELDS))
def test_each_update_field_with_a_wrong_value_fails_both(repo, schema, name):
    data = yaml.load(GOOD, Loader=_Loader)
    data["updates"][0][name] = _wrong_value(fields.UPDATE_FIELDS[name].kind)
    text = yaml.safe_dump(data, sort_keys=False)
    assert schema_errors(schema, text), name
    assert loader_errors(repo, "2026-11-20-api-errors", text), name


def test_the_loader_takes_its_keys_from_the_field_table(repo, schema):
    """A key the table has is known to both; one it lacks is refused by both."""
    for name in fields.INCIDENT_FIELDS:
        assert name in schema["properties"]
    data = yaml.load(GOOD, Loader=_Loader)
    data["postmortem"] = "x"
    text = yaml.safe_dump(data, sort_keys=False)
    assert schema_errors(schema, text)
    assert any("unknown key 'postmortem'" in e for e in loader_errors(repo, "2026-11-20-api-errors", text))


def test_init_schema_matches_the_schema_of_its_config(tmp_path):
    files = scaffolding.plan(
        scaffolding.Answers("Acme", "https://status.acme.test/", (("api", "API"), ("web", "Web"))),
        datetime(2026, 11, 28, tzinfo=timezone.utc),
    )
    write_root = tmp_path / "r"
    scaffolding.write(write_root, files)
    assert json.loads(files["incident.schema.json"]) == incident_schema(load_config(write_root))
