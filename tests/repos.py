"""Small status repositories that several test modules share, as {path: text} to write with
``conftest.write_repo``.

PUBLIC_FILES: one of each kind the public site shows (a resolved incident with a postmortem, an
active incident, an upcoming maintenance, a drill), every internal field carrying a canary string
(CANARIES) that no public output may contain.

INTERNAL_FILES: the hand-worked repository of the internal tests, now = 2026-11-22T16:00Z.
Counted incidents (drill F and maintenance G are left out):
now = 2026-11-22T16:00Z. Counted incidents (drill F and maintenance G are left out):

    id                       sev   component  status       impact_start      detect  ack    mitigate  resolved
    A 2026-11-20-api-errors  SEV3  api        partial      11-20 10:00       10:05   10:07  -         11:10
    B 2026-10-31-db-outage   SEV1  db         major        10-31 23:30       23:40   23:45  00:30     11-01 01:00
    C 2026-11-20-api-latency SEV2  api        degraded     11-20 10:30       10:40   10:50  11:30     12:00
    D 2026-11-22-web-down    SEV2  web        major        11-22 14:00       14:10   -      -         open
    E 2026-10-05-web-slow    SEV4  web        degraded     10-05 08:00       -       -      -         09:00

B spans midnight and a month boundary; A and C overlap on api; D is open; E misses milestones.
"""

from __future__ import annotations

from pathlib import Path

from conftest import INCIDENT, write_repo

ACTIVE = """\
id: 2026-11-22-web-slow
title: Website slow
kind: incident
severity: SEV2
components:
  web: degraded_performance
impact_start: 2026-11-22T15:10:00Z
commander: canary-commander-55e1
roles: {communications: canary-role-0b7d}
runbooks: [canary-runbook-3f9a]
updates:
  - at: 2026-11-22T15:15:00Z
    stage: investigating
    message: Pages on the website load slowly.
    internal_note: CANARY-ACTIVE-91c2
    components:
      web: degraded_performance
  - at: 2026-11-22T15:40:00Z
    stage: identified
    message: We found a slow database query and are fixing it.
    internal_note: CANARY-ACTIVE-second-2a77
    components:
      web: partial_outage
"""
UPCOMING = """\
id: 2026-12-01-db-upgrade
title: Database upgrade
kind: maintenance
components:
  db: under_maintenance
scheduled_for: 2026-12-01T02:00:00Z
scheduled_until: 2026-12-01T03:00:00Z
updates:
  - at: 2026-11-21T09:00:00Z
    stage: scheduled
    message: We will upgrade the database; writes pause for a few minutes, and this line is longer than seventy-five octets so the calendar folds it - café.
    internal_note: CANARY-MAINT-77aa
"""
DRILL = """\
id: 2026-11-10-drill
title: CANARY-DRILL-TITLE-e4f0
kind: incident
severity: SEV3
drill: true
components:
  api: major_outage
impact_start: 2026-11-10T10:00:00Z
updates:
  - at: 2026-11-10T10:00:00Z
    stage: investigating
    message: CANARY-DRILL-MESSAGE
  - at: 2026-11-10T10:30:00Z
    stage: resolved
    message: Drill over.
"""
POSTMORTEM = "# What happened\nCANARY-POSTMORTEM-4c1b\n"
CANARIES = (
    "CANARY-NOTE-7f3a",
    "CANARY-ACTIVE-91c2",
    "CANARY-ACTIVE-second-2a77",
    "CANARY-MAINT-77aa",
    "canary-commander-55e1",
    "canary-role-0b7d",
    "canary-runbook-3f9a",
    "CANARY-DRILL",
    "CANARY-POSTMORTEM-4c1b",
)
PUBLIC_FILES = {
    "incidents/2026/2026-11-20-api-errors.yaml": INCIDENT,
    "incidents/2026/2026-11-20-api-errors.postmortem.md": POSTMORTEM,
    "incidents/2026/2026-11-22-web-slow.yaml": ACTIVE,
    "incidents/2026/2026-12-01-db-upgrade.yaml": UPCOMING,
    "incidents/2026/2026-11-10-drill.yaml": DRILL,
}

INTERNAL_FILES = {
    "incidents/2026/2026-11-20-api-errors.yaml": """\
id: 2026-11-20-api-errors
title: API errors
severity: SEV3
components:
  api: partial_outage
impact_start: 2026-11-20T10:00:00Z
detected_at: 2026-11-20T10:05:00Z
acknowledged_at: 2026-11-20T10:07:00Z
commander: carol
runbooks: [api-errors]
updates:
  - at: 2026-11-20T10:10:00Z
    stage: investigating
    message: We are looking into failed API requests.
    internal_note: CANARY-NOTE-7f3a
    components:
      api: partial_outage
  - at: 2026-11-20T11:10:00Z
    stage: resolved
    message: Fixed.
    components:
      api: operational
""",
    "incidents/2026/2026-10-31-db-outage.yaml": """\
id: 2026-10-31-db-outage
title: Database unavailable
severity: SEV1
components:
  db: major_outage
impact_start: 2026-10-31T23:30:00Z
detected_at: 2026-10-31T23:40:00Z
acknowledged_at: 2026-10-31T23:45:00Z
mitigated_at: 2026-11-01T00:30:00Z
commander: dana
roles: {communications: erin}
runbooks: [db-down, api-errors]
updates:
  - at: 2026-10-31T23:42:00Z
    stage: investigating
    message: The database is unavailable.
    internal_note: CANARY-NOTE-b2c4 primary lost its disk
    components:
      db: major_outage
  - at: 2026-11-01T00:35:00Z
    stage: monitoring
    message: Service is back; we are watching it.
  - at: 2026-11-01T01:00:00Z
    stage: resolved
    message: Resolved.
    components:
      db: operational
""",
    "incidents/2026/2026-10-31-db-outage.postmortem.md": """\
---
incident: 2026-10-31-db-outage
status: published
authors: [dana]
action_items:
  - id: AI-1
    action: Replace the failing disk
    type: mitigate
    priority: P1
    owner: dana
    due: 2026-11-02
    status: done
    ticket: OPS-1
  - id: AI-2
    action: Alert on disk errors
    type: prevent
    priority: P2
    owner: erin
    due: 2026-11-05
    status: done
  - id: AI-3
    action: Automate failover CANARY-ACTION-91d0
    type: prevent
    priority: P1
    owner: frank
    due: 2026-11-10
    status: open
    ticket: OPS-3
  - id: AI-4
    action: Write the failover drill plan
    type: process
    priority: P3
    owner: grace
    due: 2026-12-01
    status: in_progress
  - id: AI-5
    action: Move to a managed database
    type: prevent
    priority: P4
    owner: dana
    due: 2026-12-20
    status: wont_do
---

## Summary

The primary database lost its disk. CANARY-POSTMORTEM-55e1
""",
    "incidents/2026/2026-11-20-api-latency.yaml": """\
id: 2026-11-20-api-latency
title: Slow API
severity: SEV2
components:
  api: degraded_performance
impact_start: 2026-11-20T10:30:00Z
detected_at: 2026-11-20T10:40:00Z
acknowledged_at: 2026-11-20T10:50:00Z
mitigated_at: 2026-11-20T11:30:00Z
updates:
  - at: 2026-11-20T10:45:00Z
    stage: investigating
    message: API responses are slow.
    components:
      api: degraded_performance
  - at: 2026-11-20T12:00:00Z
    stage: resolved
    message: Resolved.
    components:
      api: operational
""",
    "incidents/2026/2026-11-22-web-down.yaml": """\
id: 2026-11-22-web-down
title: Website down
severity: SEV2
components:
  web: major_outage
impact_start: 2026-11-22T14:00:00Z
detected_at: 2026-11-22T14:10:00Z
updates:
  - at: 2026-11-22T14:15:00Z
    stage: investigating
    message: The website is down.
""",
    "incidents/2026/2026-10-05-web-slow.yaml": """\
id: 2026-10-05-web-slow
title: Website slow
severity: SEV4
components:
  web: degraded_performance
impact_start: 2026-10-05T08:00:00Z
updates:
  - at: 2026-10-05T08:20:00Z
    stage: investigating
    message: The website is slow.
    components:
      web: degraded_performance
  - at: 2026-10-05T09:00:00Z
    stage: resolved
    message: Resolved.
    components:
      web: operational
""",
    "incidents/2026/2026-11-15-api-drill.yaml": """\
id: 2026-11-15-api-drill
title: API drill
severity: SEV2
drill: true
components:
  api: major_outage
impact_start: 2026-11-15T12:00:00Z
detected_at: 2026-11-15T12:01:00Z
acknowledged_at: 2026-11-15T12:02:00Z
mitigated_at: 2026-11-15T12:30:00Z
updates:
  - at: 2026-11-15T12:05:00Z
    stage: investigating
    message: Drill.
    components:
      api: major_outage
  - at: 2026-11-15T13:00:00Z
    stage: resolved
    message: Drill over.
    components:
      api: operational
""",
    "incidents/2026/2026-11-15-api-drill.postmortem.md": """\
---
incident: 2026-11-15-api-drill
status: draft
action_items:
  - id: AI-1
    action: Drill follow-up
    type: process
    priority: P3
    owner: carol
    due: 2026-11-16
    status: open
---

Drill notes.
""",
    "incidents/2026/2026-11-18-db-maintenance.yaml": """\
id: 2026-11-18-db-maintenance
title: Database upgrade
kind: maintenance
components: [db]
scheduled_for: 2026-11-18T02:00:00Z
scheduled_until: 2026-11-18T03:00:00Z
updates:
  - at: 2026-11-17T09:00:00Z
    stage: scheduled
    message: We will upgrade the database.
  - at: 2026-11-18T02:00:00Z
    stage: in_progress
    message: Started.
  - at: 2026-11-18T03:00:00Z
    stage: completed
    message: Done.
""",
    "runbooks/api/api-errors.md": """\
---
title: API errors
service: api
owner: team-api
severity: SEV2
alerts: [APIErrorRateHigh, APIGateway5xx]
last_reviewed: 2026-10-01
review_every: 90
---

## Symptoms

CANARY-RUNBOOK-3d9e: 5xx above 2%.

## Impact

Merchants see errors.

## Diagnosis

1. Check the error rate.

   ```console
   $ promql 'rate(http_requests_total{code=~"5.."}[5m])'
   ```

## Mitigation

Roll back.

## Recovery

Nothing.

## Escalation

team-api on-call.

## What NOT to do

Do not restart everything.
""",
    "runbooks/db/db-down.md": """\
---
title: Database down
service: db
owner: team-data
severity: SEV1
alerts: [PostgresDown]
last_reviewed: 2026-05-01
review_every: 90
---

## Symptoms

The database does not answer.

## Impact

Everything.

## Diagnosis

Look.

## Mitigation

Fail over.

## Recovery

Rebuild the replica.

## Escalation

DBA on-call.

## What not to do

Do not delete the data directory.
""",
}

ALERT_RULES = """\
groups:
  - name: api
    rules:
      - alert: APIErrorRateHigh
        expr: rate(errors[5m]) > 0.02
        annotations:
          runbook_url: https://internal.test/runbooks/alerts/apierrorratehigh/
      - record: job:errors:rate5m
        expr: rate(errors[5m])
      - alert: APIGateway5xx
        expr: rate(gw[5m]) > 0.1
        annotations:
          runbook_url: https://internal.test/runbooks/api-errors/
      - alert: DiskFull
        expr: disk > 0.9
"""


def internal_repo(tmp_path: Path) -> Path:
    """The hand-worked internal repository, written under ``tmp_path``."""
    return write_repo(tmp_path / "repo", INTERNAL_FILES)
