"""The on-call responder's path through the CLI, on a copy of the example repository.

Each section below is one thing a responder at 3 a.m. needs from the commands.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import cli_ok as ok
from conftest import declare, race_updates, write_repo
from conftest import run_cli as run

from statusgen.cli import main
from statusgen.sources.config import load_config
from statusgen.sources.incident_file import read_incident

NOW = "2026-11-22T16:00:00Z"


def read(root: Path, path: str):
    incident, problems = read_incident(root / path, (root / path).read_bytes(), load_config(root), path)
    assert incident is not None, problems
    return incident


# The id comes from what the responder typed, and the next command works.
def test_new_id_comes_from_the_template_name_and_the_next_command_works(example_copy):
    result = ok(example_copy, "new", "--template", "high-latency", "-s", "SEV2", "-c", "api=degraded")
    assert result.stdout.splitlines()[0] == "incidents/2026/2026-11-22-high-latency.yaml"
    assert "declared 2026-11-22-high-latency: Slower than normal response times" in result.stderr
    assert "next: statusgen update high-latency --stage identified" in result.stderr
    ok(example_copy, "update", "latency", "--stage", "identified", "--at", "2026-11-22T16:05:00Z")
    assert read(example_copy, "incidents/2026/2026-11-22-high-latency.yaml").stage == "identified"


def test_new_id_comes_from_the_given_title(example_copy):
    result = ok(
        example_copy, "new", "--template", "high-latency", "-t", "Slow ledger API", "-s", "SEV3", "-c", "api=degraded"
    )
    assert result.stdout.splitlines()[0] == "incidents/2026/2026-11-22-slow-ledger-api.yaml"


# Stage typos and case get the list of stages and the closest one.
def test_stage_typo_lists_the_stages_and_suggests(example_copy):
    result = run(example_copy, "update", "sso-login", "--stage", "identifed")
    assert result.exit_code == 2
    assert (
        "Error: Invalid value for --stage: 'identifed' is not one of: investigating, identified, monitoring, "
        "resolved; did you mean 'identified'?"
    ) in result.output
    assert "template" not in result.output
    ok(example_copy, "update", "sso-login", "--stage", "Monitoring")
    assert read(example_copy, "incidents/2026/2026-11-22-sso-login-failures.yaml").stage == "monitoring"


def test_component_status_and_severity_typos_suggest(example_copy):
    result = run(example_copy, "update", "sso-login", "--stage", "monitoring", "-c", "auth=degradd")
    assert result.exit_code == 2
    assert "Invalid value for --component auth: 'degradd' is not one of: operational," in result.output
    assert "did you mean 'degraded'?" in result.output
    result = run(example_copy, "update", "sso-login", "--stage", "monitoring", "-s", "sev-1")
    assert result.exit_code == 2
    assert "'sev-1' is not one of: SEV1, SEV2, SEV3, SEV4; did you mean 'SEV1'?" in result.output
    ok(example_copy, "update", "sso-login", "--stage", "monitoring", "-s", "sev1", "-c", "auth=Partial")
    incident = read(example_copy, "incidents/2026/2026-11-22-sso-login-failures.yaml")
    assert incident.severity == "SEV1" and incident.current_components()["auth"] == "partial_outage"


# A mistyped id suggests the closest ids and titles.
def test_mistyped_id_suggests_the_closest(example_copy):
    result = run(example_copy, "update", "webhok-delay", "--stage", "identified")
    assert result.exit_code == 1
    assert result.output == (
        "Error: no incident 'webhok-delay'; did you mean 2026-11-22-webhook-delays "
        "('Delayed webhook deliveries', investigating) or 2026-09-29-webhook-backlog "
        "('Delayed webhook deliveries', resolved)? (`statusgen list` shows the ids)\n"
    )
    result = run(example_copy, "show", "single sign-in")
    assert result.exit_code == 1
    assert "did you mean 2026-11-22-sso-login-failures ('Single sign-on failing for some customers'" in result.output


# One active match wins over old resolved ones; titles match too; postmortem takes parts.
def test_partial_id_prefers_the_one_active_incident(example_copy):
    # "webhook" is in the active 2026-11-22-webhook-delays and the resolved 2026-09-29-webhook-backlog.
    ok(example_copy, "update", "webhook", "--stage", "identified")
    assert read(example_copy, "incidents/2026/2026-11-22-webhook-delays.yaml").stage == "identified"
    # A part of the title, any case.
    result = ok(example_copy, "show", "SINGLE SIGN-ON")
    assert "(2026-11-22-sso-login-failures)" in result.output


def test_partial_id_among_resolved_ones_lists_them(example_copy):
    result = run(example_copy, "show", "checkout")
    assert result.exit_code == 1
    assert result.output.startswith("Error: 'checkout' matches 4 incidents: 2026-11-12-checkout-outage ")
    assert "give more of the id, or the full id" in result.output


def test_postmortem_takes_a_partial_id(example_copy):
    result = ok(example_copy, "postmortem", "webhook-backlog")
    assert "Created incidents/2026/2026-09-29-webhook-backlog.postmortem.md" in result.output
    result = run(example_copy, "postmortem", "dashbord-slow")
    assert result.exit_code == 1 and "did you mean 2026-11-17-dashboard-slow (" in result.output


def test_lookup_on_an_empty_repository(tmp_path):
    root = write_repo(tmp_path, {})
    result = run(root, "update", "api", "--stage", "identified")
    assert result.exit_code == 1
    assert result.output == "Error: no incident 'api': there are no incidents yet; `statusgen new` declares one\n"


def messages(root: Path, path: str) -> list[str]:
    return [" ".join(u.message.split()) for u in read(root, path).updates]


LATENCY = "incidents/2026/2026-11-22-high-latency.yaml"


# Messages describe each component by its actual status.
def test_messages_word_each_status_and_never_overclaim(example_copy):
    ok(example_copy, "new", "--template", "high-latency", "-s", "SEV2", "-c", "api=degraded", "-c", "checkout=partial")
    ok(
        example_copy,
        "update",
        "latency",
        "--stage",
        "monitoring",
        "-c",
        "api=operational",
        "--at",
        "2026-11-22T16:20:00Z",
    )
    ok(example_copy, "resolve", "latency", "--at", "2026-11-22T16:50:00Z")
    opening, monitoring, resolved = messages(example_copy, LATENCY)
    assert "Checkout is partly unavailable and Public API is slower than usual" in opening
    assert "Checkout" not in opening.split("slower")[0].split("partly")[1]
    assert "Checkout is partly unavailable and Public API is working normally" in monitoring
    assert "back to normal" not in monitoring
    assert "Checkout was partly unavailable and Public API was slower than usual" in resolved
    assert "As of 16:50 UTC on 22 Nov, Public API and Checkout are working normally." in resolved
    incident = read(example_copy, LATENCY)
    assert dict(incident.updates[-1].components) == {"api": "operational", "checkout": "operational"}


def test_major_outage_is_worded_as_unavailable(example_copy):
    ok(example_copy, "new", "-t", "Checkout down", "-s", "SEV1", "-c", "checkout=major", "-c", "webhooks=degraded")
    (opening,) = messages(example_copy, "incidents/2026/2026-11-22-checkout-down.yaml")
    assert "Checkout is unavailable and Webhooks is slower than usual" in opening


def test_resolve_can_leave_a_component_down_and_validate_warns(example_copy):
    ok(example_copy, "new", "--template", "high-latency", "-s", "SEV2", "-c", "api=degraded", "-c", "checkout=partial")
    result = ok(example_copy, "resolve", "latency", "-c", "checkout=partial", "--at", "2026-11-22T16:30:00Z")
    assert "warning: checkout is left partial outage" in result.stderr
    resolved = messages(example_copy, LATENCY)[-1]
    assert "Checkout is partly unavailable and Public API is working normally" in resolved
    assert "everything" not in resolved.lower()
    shown = ok(example_copy, "show", "latency").stdout
    assert "component Checkout: partial outage (left so at resolution)" in shown
    assert "component Public API: operational\n" in shown
    result = ok(example_copy, "validate")
    assert (
        "incidents/2026/2026-11-22-high-latency.yaml:22: warning: the incident is resolved but this update leaves "
        "'checkout' partial_outage" in result.output
    )


def test_a_team_template_without_status_wording_gets_the_truth_appended(example_copy):
    (example_copy / "templates").mkdir(exist_ok=True)
    (example_copy / "templates/rosy.yaml").write_text(
        "title: Rosy\nstages:\n  investigating: Looking.\n  identified: Found.\n"
        "  monitoring: All is well again.\n  resolved: All is well.\n"
    )
    ok(example_copy, "new", "--template", "rosy", "-s", "SEV3", "-c", "api=degraded", "-c", "search=partial")
    ok(example_copy, "update", "rosy", "--stage", "monitoring", "-c", "api=ok", "--at", "2026-11-22T16:10:00Z")
    monitoring = messages(example_copy, "incidents/2026/2026-11-22-rosy.yaml")[-1]
    assert monitoring == "All is well again. Search is still partly unavailable; we are working on it."


# Repeating a stage posts the follow-up, not the opening again.
def test_repeated_stage_posts_a_follow_up(example_copy):
    ok(example_copy, "new", "--template", "high-latency", "-s", "SEV2", "-c", "api=degraded")
    ok(example_copy, "update", "latency", "--stage", "investigating", "--at", "2026-11-22T16:30:00Z")
    opening, follow_up = messages(example_copy, LATENCY)
    assert follow_up != opening
    assert follow_up == (
        "We are still investigating: Public API is slower than usual. We will post an update by 17:30 UTC on 22 Nov."
    )


def test_a_template_can_write_its_own_follow_up(example_copy):
    (example_copy / "templates").mkdir(exist_ok=True)
    (example_copy / "templates/ours.yaml").write_text(
        "title: Ours\nstages:\n  investigating: First look at {components}.\n  identified: x\n  monitoring: x\n"
        "  resolved: x\nfollow_up:\n  investigating: Still digging; {impact}.\n"
    )
    ok(example_copy, "new", "--template", "ours", "-s", "SEV3", "-c", "api=partial")
    ok(example_copy, "update", "ours", "--stage", "investigating", "--at", "2026-11-22T16:30:00Z")
    assert messages(example_copy, "incidents/2026/2026-11-22-ours.yaml") == [
        "First look at Public API.",
        "Still digging; Public API is partly unavailable.",
    ]


# Declaring is deliberate.
def test_new_without_arguments_is_a_usage_error_without_a_terminal(example_copy):
    result = run(example_copy, "new")
    assert result.exit_code == 2
    assert (
        "Error: declaring an incident needs --title TEXT (or --template NAME), --severity (SEV1|SEV2|SEV3|SEV4), "
        "--component ID=STATUS; give them as options (on a terminal statusgen asks for them)"
    ) in result.output
    result = run(example_copy, "new", "--template", "high-latency")
    assert result.exit_code == 2
    assert "needs --severity (SEV1|SEV2|SEV3|SEV4), --component ID=STATUS;" in result.output
    assert not list((example_copy / "incidents/2026").glob("2026-11-22-high-*"))


def test_new_on_a_terminal_asks_for_what_is_missing(example_copy):
    import sys

    import pexpect

    child = pexpect.spawn(
        sys.executable, ["-m", "statusgen", "-C", str(example_copy), "--now", NOW, "new"], encoding="utf-8", timeout=30
    )
    child.expect_exact("Title (customers see it): ")
    child.sendline("Ledger sync stalled")
    child.expect_exact("SEV1  Critical: Customers cannot use a core service.")
    child.expect_exact("Severity (SEV1, SEV2, SEV3, SEV4): ")
    child.sendline("sve2")
    child.expect_exact("Error: 'sve2' is not one of: SEV1, SEV2, SEV3, SEV4; did you mean 'SEV2'?")
    child.sendline("sev2")
    child.expect_exact("components: api, dashboard, auth, checkout, payouts, webhooks, reporting, search")
    child.expect_exact("Affected components, as ID=STATUS separated by spaces: ")
    child.sendline("reportng=degraded")
    child.expect_exact("unknown component 'reportng' (did you mean 'reporting'?)")
    child.sendline("reporting=degraded payouts=partial")
    child.expect_exact("next: statusgen update ledger-sync-stalled --stage identified")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    incident = read(example_copy, "incidents/2026/2026-11-22-ledger-sync-stalled.yaml")
    assert (incident.title, incident.severity) == ("Ledger sync stalled", "SEV2")
    assert dict(incident.components) == {"reporting": "degraded_performance", "payouts": "partial_outage"}


def test_a_similar_active_title_needs_force(example_copy):
    # 2026-11-22-webhook-delays is active with the title "Delayed webhook deliveries".
    result = run(example_copy, "new", "-t", "Delayed Webhook deliveries", "-s", "SEV3", "-c", "webhooks=degraded")
    assert result.exit_code == 1
    assert result.output == (
        "Error: an active incident has a similar title: 2026-11-22-webhook-delays ('Delayed webhook deliveries', "
        "investigating). Update it instead (`statusgen update webhook-delays --stage ...`), or pass --force to "
        "declare a second incident\n"
    )
    assert not (example_copy / "incidents/2026/2026-11-22-delayed-webhook-deliveries.yaml").exists()
    ok(example_copy, "new", "-t", "Delayed webhook deliveries", "-s", "SEV3", "-c", "webhooks=degraded", "--force")
    assert (example_copy / "incidents/2026/2026-11-22-delayed-webhook-deliveries.yaml").is_file()
    # A resolved incident with the same title is no reason to refuse.
    ok(example_copy, "new", "-t", "Checkout unavailable", "-s", "SEV1", "-c", "checkout=major")


# The promised next update is tracked, and a missed one is flagged everywhere.
def test_list_show_and_due_flag_a_missed_update(example_copy):
    # 2026-11-22-sso-login-failures promised its next update by 15:45 UTC.
    listed = ok(example_copy, "list", "--active", now="2026-11-22T15:59:00Z").stdout.splitlines()
    assert listed[0].split() == ["ID", "SEV", "STAGE", "AGE", "TITLE"]
    (sso,) = [line for line in listed if line.startswith("2026-11-22-sso-login-failures")]
    assert sso.endswith("Single sign-on failing for some customers [update overdue by 14 min]")
    assert not any("overdue" in line for line in listed if line is not sso)
    shown = ok(example_copy, "show", "sso", now="2026-11-22T15:59:00Z").stdout
    assert "UPDATE OVERDUE by 14 min (promised by 22 Nov 2026, 15:45 UTC)" in shown
    result = run(example_copy, "due", now="2026-11-23T09:00:00Z")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "2026-11-22-sso-login-failures  SEV2  identified  update overdue by 17 h 15 min (promised by 15:45 UTC on "
        "22 Nov): Single sign-on failing for some customers",
        "2026-11-22-webhook-delays  SEV3  investigating  update overdue by 17 h (promised by 16:00 UTC on 22 Nov): "
        "Delayed webhook deliveries",
        "2026-11-22-report-exports-delayed  SEV4  monitoring  update overdue by 17 h (promised by 16:00 UTC on "
        "22 Nov): Report exports delayed",
    ]


def test_due_lists_updates_due_soon_and_is_quiet_otherwise(example_copy):
    result = run(example_copy, "due", "--within", "10", now="2026-11-22T15:40:00Z")
    assert result.exit_code == 1
    assert result.output == (
        "2026-11-22-sso-login-failures  SEV2  identified  update due in 5 min (promised by 15:45 UTC on 22 Nov): "
        "Single sign-on failing for some customers\n"
    )
    ok(example_copy, "update", "sso", "--stage", "identified", now="2026-11-22T15:41:00Z")
    result = run(example_copy, "due", "--within", "10", now="2026-11-22T15:42:00Z")
    assert (result.exit_code, result.output) == (0, "no updates due within 10 min\n")


def test_the_cadence_fills_the_promise_and_can_be_configured(example_copy):
    ok(example_copy, "new", "-t", "Payments down", "-s", "SEV1", "-c", "checkout=major")
    path = "incidents/2026/2026-11-22-payments-down.yaml"
    first = read(example_copy, path).updates[0]
    assert first.next_update.isoformat() == "2026-11-22T16:30:00+00:00"
    assert "We will post an update by 16:30 UTC on 22 Nov." in first.message
    result = ok(example_copy, "update", "payments", "--stage", "identified", "--next", "15", now="2026-11-22T16:10:00Z")
    assert "next update promised by 16:25 UTC on 22 Nov" in result.stdout
    config = example_copy / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "      company: Ledgerline\n", "      company: Ledgerline\n      update_cadence: {SEV1: 20}\n"
        )
    )
    ok(example_copy, "update", "payments", "--stage", "monitoring", now="2026-11-22T16:20:00Z")
    assert read(example_copy, path).updates[-1].next_update.isoformat() == "2026-11-22T16:40:00+00:00"
    ok(example_copy, "resolve", "payments", now="2026-11-22T16:30:00Z")
    assert read(example_copy, path).updates[-1].next_update is None


def test_a_bad_cadence_is_reported_with_its_line(example_copy):
    config = example_copy / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "      company: Ledgerline\n", "      company: Ledgerline\n      update_cadence: {SEV7: 20, SEV1: 2}\n"
        )
    )
    result = run(example_copy, "validate")
    assert result.exit_code == 1
    assert "mkdocs.yml:29: update_cadence names 'SEV7'; expected one of: SEV1, SEV2, SEV3, SEV4" in result.output
    assert "mkdocs.yml:29: update_cadence of SEV1 is 2; expected whole minutes from 5 to 1440" in result.output


def test_the_sites_never_present_a_past_promise_as_standing(example_copy):
    ok(example_copy, "build", "--now", "2026-11-22T15:59:00Z")
    page = (example_copy / "site/public/incidents/2026-11-22-sso-login-failures/index.html").read_text()
    assert ('The next update was expected by <time datetime="2026-11-22T15:45:00Z" data-sg-local>') in page
    assert "is 14 min late. The latest update below is still the most recent information." in page
    home = (example_copy / "site/public/index.html").read_text()
    assert home.count('class="sg-late"') == 1
    internal = (example_copy / "site/internal/index.html").read_text()
    assert "update overdue by 14 min" in internal
    ok(example_copy, "build", "--now", "2026-11-22T15:44:00Z")
    assert 'class="sg-late"' not in (example_copy / "site/public/index.html").read_text()


# list has a header, severity, stage, age, drills marked, --json; help summaries fit.
def test_list_marks_drills_and_prints_json(example_copy):
    ok(example_copy, "new", "-t", "Game day: failover", "-s", "SEV2", "-c", "search=major", "-m", "Drill.")
    path = example_copy / "incidents/2026/2026-11-22-game-day-failover.yaml"
    path.write_text(path.read_text().replace("kind: incident\n", "kind: incident\ndrill: true\n"))
    listed = ok(example_copy, "list", now="2026-11-22T17:10:00Z").stdout.splitlines()
    assert listed[0].split() == ["ID", "SEV", "STAGE", "AGE", "TITLE"]
    (drill,) = [line for line in listed if "game-day" in line]
    assert drill.split()[:6] == ["2026-11-22-game-day-failover", "SEV2", "investigating", "1", "h", "10"]
    assert drill.endswith("Game day: failover [DRILL] [update overdue by 10 min]")
    data = json.loads(ok(example_copy, "list", "--json", now="2026-11-22T17:10:00Z").stdout)
    assert data[0] == {
        "id": "2026-12-03-search-upgrade", "title": "Search infrastructure upgrade", "kind": "maintenance",
        "severity": None, "stage": "scheduled", "active": False, "drill": False,
        "started_at": "2026-12-03T02:00:00Z", "resolved_at": None, "age_seconds": 0, "next_update_due": None,
        "overdue_seconds": None, "components": {"search": "operational"},
    }  # fmt: skip
    game = next(d for d in data if d["id"] == "2026-11-22-game-day-failover")
    assert (game["drill"], game["overdue_seconds"], game["next_update_due"]) == (True, 600, "2026-11-22T17:00:00Z")
    starts = [d["started_at"] for d in data]
    assert len(data) == 16 and starts == sorted(starts, reverse=True), "newest first"


def test_every_help_summary_fits_without_being_cut():
    import click

    def walk(group):
        for command in group.commands.values():
            yield command
            if isinstance(command, click.Group):
                yield from walk(command)

    for command in walk(main):
        summary = command.get_short_help_str(limit=45)
        assert not summary.endswith("..."), (command.name, summary)
        assert summary.endswith("."), (command.name, summary)


# Portable locking: filelock, not fcntl.
def test_the_edit_lock_works_without_fcntl(tmp_path):
    """Processes on a Python without fcntl (as on Windows) still never lose an update."""
    import sys

    root = write_repo(tmp_path, {})
    declare(root, "--at", "2026-11-22T10:00:00Z")
    (root / "incidents/.statusgen.lock").unlink()  # as in a fresh checkout on that machine
    code = "import sys; sys.modules['fcntl'] = None; from statusgen.cli import main; main()"
    results = race_updates(root, [sys.executable, "-c", code], 6)
    assert [status for status, _ in results] == [0] * 6, results
    incident = read(root, "incidents/2026/2026-11-22-api-errors.yaml")
    assert sorted(u.message for u in incident.updates[1:]) == [f"update {n}" for n in range(6)]


def test_a_held_lock_is_reported_and_nothing_is_written(tmp_path, monkeypatch):
    from filelock import FileLock

    from statusgen.authoring import writer as edit

    root = write_repo(tmp_path, {})
    declare(root)
    path = root / "incidents/2026/2026-11-22-api-errors.yaml"
    before = path.read_bytes()
    monkeypatch.setattr(edit, "LOCK_TIMEOUT", 0.2)
    with FileLock(str(root / "incidents" / edit.LOCK_NAME)):
        result = run(root, "update", "api", "--stage", "identified", "-m", "y")
    assert result.exit_code == 1
    assert result.output == (
        "Error: incidents/.statusgen.lock: another statusgen command has held the edit lock for 0.2 s; "
        "nothing was changed. Try again when it has finished\n"
    )
    assert path.read_bytes() == before


# A fresh clone is clean, and the files the README names exist.
def test_a_fresh_copy_validates_and_builds_without_a_warning(example_copy):
    result = ok(
        example_copy,
        "validate",
        "--strict",
        "--alert-rules",
        "prometheus/rules/ledgerline.yml",
    )
    assert result.output == "15 incidents checked: 0 errors, 0 warnings\n"
    result = ok(example_copy, "validate", "--alert-rules", "prometheus/rules")
    assert result.output == "15 incidents checked: 0 errors, 0 warnings\n"
    result = ok(example_copy, "build", "--strict")
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        f"Built the public site in {example_copy}/site/public/",
        f"Built the internal site in {example_copy}/site/internal/",
    ]


def test_the_example_team_template_is_listed_and_used(example_copy):
    listing = ok(example_copy, "templates").stdout
    assert "card-processor           incident     More card payments than usual are declined" in listing
    assert listing.rstrip().endswith("(team)")
    shown = ok(example_copy, "templates", "show", "card-processor").stdout
    assert (
        "identified, follow-up\n  We are still moving the affected payments to a backup processor: {impact}." in shown
    )
    assert "monitoring, follow-up (statusgen's)\n  We are still monitoring the fix. {still_affected}" in shown
    assert "  {impact}  each affected component's status now" in shown
    ok(example_copy, "new", "--template", "card-processor", "-s", "SEV2", "-c", "checkout=partial")
    (opening,) = messages(example_copy, "incidents/2026/2026-11-22-card-processor.yaml")
    assert opening.startswith("Since 16:00 UTC on 22 Nov, more card payments than usual have been declined or failed: ")
    assert "Checkout is partly unavailable" in opening


# --from-alert: declare from an Alertmanager webhook payload.
def payload(*alerts, status="firing", version="4"):
    return json.dumps(
        {
            "version": version,
            "status": status,
            "receiver": "statusgen",
            "groupLabels": {},
            "commonLabels": {},
            "commonAnnotations": {},
            "externalURL": "https://am.example.test",
            "alerts": [
                {
                    "status": a.get("status", status),
                    "labels": a["labels"],
                    "annotations": a.get("annotations", {}),
                    "startsAt": a.get("startsAt", "2026-11-22T15:50:00Z"),
                    "generatorURL": "https://prom.example.test/g",
                }
                for a in alerts
            ],
        }  # fmt: skip
    )


def test_from_alert_declares_from_the_example_payload(example_copy, monkeypatch):
    monkeypatch.chdir(example_copy)  # the payload is named relative to the repository, as a person would
    result = ok(example_copy, "new", "--from-alert", "prometheus/webhook-example.json")
    assert result.stdout == "incidents/2026/2026-11-22-checkout-auth-success-low.yaml\n"
    assert "next: statusgen update checkout-auth-success-low --stage identified" in result.stderr
    incident = read(example_copy, "incidents/2026/2026-11-22-checkout-auth-success-low.yaml")
    # The public title is the page's own words; the alert's summary stays in the internal note.
    assert (incident.title, incident.severity) == ("Partial outage of Checkout", "SEV2")
    assert dict(incident.components) == {"checkout": "partial_outage"}
    assert incident.impact_start.isoformat() == "2026-11-22T15:52:30+00:00"
    assert incident.runbooks == ("checkout-card-declines",)
    note = incident.updates[0].internal_note
    assert note.startswith("Declared from an Alertmanager payload.\nSummary: Card payments failing at checkout\n")
    assert "\nCheckoutAuthSuccessLow firing since" in note
    assert "AcquirerErrorRateHigh firing since 2026-11-22T15:54:00Z (acquirer=northpay" in note
    assert incident.updates[0].message.startswith(
        "We are investigating a problem that started at 15:52 UTC on 22 Nov: Checkout is partly unavailable."
    )
    # The same alert again, while the incident is active, is refused as a duplicate.
    again = run(example_copy, "new", "--from-alert", "prometheus/webhook-example.json")
    assert again.exit_code == 1 and "an active incident has a similar title: 2026-11-22-checkout-auth" in again.output


def test_from_alert_options_win_and_labels_map_through_the_config(example_copy, monkeypatch):
    monkeypatch.chdir(example_copy)  # the payload is named relative to the repository, as a person would
    (example_copy / "alert.json").write_text(
        payload(
            {"labels": {"alertname": "LedgerAPISlow", "service": "ledger-api", "severity": "critical"}},
            {
                "labels": {
                    "alertname": "SearchClusterRed",
                    "component": "search",
                    "severity": "page",
                    "component_status": "major_outage",
                }
            },
        )  # fmt: skip
    )
    result = run(example_copy, "new", "--from-alert", "alert.json")
    assert result.exit_code == 1
    assert result.output == (
        "alert.json: alert LedgerAPISlow: no label names a status page component (looked at component, service: "
        "service=ledger-api); expected one of: api, dashboard, auth, checkout, payouts, webhooks, reporting, search, "
        "or map a label value in mkdocs.yml (alertmanager: components: {VALUE: COMPONENT})\nAborted with 1 error.\n"
    )
    config = example_copy / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "      company: Ledgerline\n",
            "      company: Ledgerline\n      alertmanager:\n        components: {ledger-api: api}\n"
            "        severities: {critical: SEV1}\n",
        )
    )
    result = ok(example_copy, "new", "--from-alert", "alert.json", "-c", "api=degraded", "-t", "Slow API and search")
    assert result.stdout == "incidents/2026/2026-11-22-slow-api-and-search.yaml\n"
    assert "warning: alert LedgerAPISlow has no runbook; list it under 'alerts' in one" in result.stderr
    incident = read(example_copy, "incidents/2026/2026-11-22-slow-api-and-search.yaml")
    assert incident.severity == "SEV1"
    assert dict(incident.components) == {"api": "degraded_performance", "search": "major_outage"}
    assert incident.runbooks == ("search-cluster-unhealthy",)


def test_from_alert_reports_every_payload_it_cannot_map(example_copy, monkeypatch):
    monkeypatch.chdir(example_copy)  # the payload is named relative to the repository, as a person would
    cases = {
        "broken.json": ('{"version": "4",\n "alerts": [}', "broken.json:2: not JSON: Expecting value; expected an Alertmanager webhook payload"),
        "v3.json": (payload({"labels": {"alertname": "X", "component": "api"}}, version="3"),
                    "v3.json: version is '3'; expected \"4\" (Alertmanager's webhook payload)"),
        "resolved.json": (payload({"labels": {"alertname": "X", "component": "api"}}, status="resolved"),
                          "resolved.json: no alert in the payload is firing; there is nothing to declare"),
        "severity.json": (payload({"labels": {"alertname": "X", "component": "api", "severity": "disaster"}}),
                          "severity.json: alert X: severity label 'disaster' maps to no severity; expected one of: "
                          "critical, error, info, page, warning, or map it in mkdocs.yml (alertmanager: severities: "
                          "{disaster: SEV3})"),
        "time.json": (payload({"labels": {"alertname": "X", "component": "api"}, "startsAt": "yesterday"}),
                      "time.json: alert 1 (X): startsAt 'yesterday' is not a time like 2026-11-22T15:58:12Z"),
        "typo.json": (payload({"labels": {"alertname": "X", "component": "chekout", "severity": "critical"}}),
                      "(did you mean 'checkout'?)"),
    }  # fmt: skip
    for name, (text, expected) in cases.items():
        (example_copy / name).write_text(text)
        result = run(example_copy, "new", "--from-alert", name)
        assert result.exit_code == 1, (name, result.output)
        assert expected in result.output, (name, result.output)
        assert "Traceback" not in result.output
    assert not list((example_copy / "incidents/2026").glob("2026-11-22-x*"))
    # A payload without a severity label needs -s (no terminal here to ask).
    (example_copy / "nosev.json").write_text(payload({"labels": {"alertname": "X", "component": "api"}}))
    result = run(example_copy, "new", "--from-alert", "nosev.json")
    assert result.exit_code == 2 and "needs --severity (SEV1|SEV2|SEV3|SEV4)" in result.output
    ok(example_copy, "new", "--from-alert", "nosev.json", "-s", "SEV4")


def test_the_cli_package_starts_light():
    """`statusgen --help` imports click and the cli package only: each command imports the rest."""
    import subprocess
    import sys

    code = (
        "import sys, statusgen.cli; heavy = {'yaml', 'ruamel', 'mkdocs', 'jinja2', 'feedgen', 'markdown', 'filelock'}"
        " & {m.split('.')[0] for m in sys.modules}; assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
