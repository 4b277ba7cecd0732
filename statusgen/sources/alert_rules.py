"""Prometheus alerting rule files (``groups[].rules[].alert``), checked against runbooks."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from pathlib import Path

from statusgen.core.documents import AlertRule, Runbook, alert_slug
from statusgen.core.errors import Problem, display_path
from statusgen.core.model import Config
from statusgen.sources.checker import Entry, FileCheck, line_of


def read_alert_rules(path: Path, root: Path) -> tuple[list[AlertRule], list[Problem]]:
    """The alerting rules in one Prometheus rule file (recording rules are skipped).

    Accepts the plain rule file format and a Kubernetes PrometheusRule (``spec.groups``).
    """
    check = FileCheck(path, display_path(path, root))
    try:
        data = path.read_bytes()
    except OSError as exc:
        check.error(0, f"cannot be read: {exc.strerror}")
        return [], check.problems
    node = check.parse(data)
    if node is None:
        return [], check.problems
    top = check.mapping(node, "a Prometheus rule file")
    if top is None:
        return [], check.problems
    if "groups" not in top and "spec" in top:
        spec = check.mapping(top["spec"][1], "spec") or {}
        top = spec
    if "groups" not in top:
        check.error(node, "no 'groups' here; expected a Prometheus rule file: groups: [{name, rules: [{alert, expr}]}]")
        return [], check.problems
    rules = []
    for group in check.sequence(top["groups"][1], "groups") or []:
        group_fields = check.mapping(group, "a rule group")
        if group_fields is None or "rules" not in group_fields:
            if group_fields is not None:
                check.error(group, "rule group has no 'rules'")
            continue
        group_name = check.text(group_fields["name"][1], "group name") or "" if "name" in group_fields else ""
        for rule in check.sequence(group_fields["rules"][1], "rules") or []:
            fields = check.mapping(rule, "a rule")
            if fields is None or "alert" not in fields:
                if fields is not None and "record" not in fields:
                    check.error(rule, "rule has neither 'alert' nor 'record'")
                continue
            name = check.text(fields["alert"][1], "alert")
            if name is None:
                continue
            annotations = _text_map(check, fields.get("annotations"), "annotations")
            labels = _text_map(check, fields.get("labels"), "labels")
            expr = check.text(fields["expr"][1], "expr", allow_empty=True) or "" if "expr" in fields else ""
            for_ = check.text(fields["for"][1], "for", allow_empty=True) or "" if "for" in fields else ""
            rules.append(
                AlertRule(
                    name,
                    check.shown,
                    line_of(fields["alert"][1]),
                    annotations.get("runbook_url", ""),
                    expr=expr.strip(),
                    for_=for_.strip(),
                    labels=tuple(sorted(labels.items())),
                    annotations=tuple(sorted(annotations.items())),
                    group=group_name,
                )
            )
    return rules, check.problems


def _text_map(check: FileCheck, entry: Entry | None, what: str) -> dict[str, str]:
    """A mapping of names to text (labels, annotations); values that are not text are reported."""
    if entry is None:
        return {}
    fields = check.mapping(entry[1], what) or {}
    values = {}
    for key, (_, node) in fields.items():
        value = check.text(node, f"{what}: {key}", allow_empty=True)
        if value is not None:
            values[key] = value
    return values


def rules_by_alert(rules: list[AlertRule]) -> dict[str, tuple[AlertRule, ...]]:
    """Alert name -> its rules (one alert may have several, e.g. a warning and a critical one),
    in file order: what an alert's page shows as expression, labels and severity."""
    result: dict[str, list[AlertRule]] = {}
    for rule in rules:
        result.setdefault(rule.alert, []).append(rule)
    return {alert: tuple(found) for alert, found in result.items()}


def load_alert_rules(config: Config) -> tuple[dict[str, tuple[AlertRule, ...]], list[Problem]]:
    """The alerting rules of the files the ``alert_rules`` option names (globs relative to the
    repository), by alert name, with every problem found in them."""
    rules, problems = [], []
    for pattern in config.alert_rules:
        paths = sorted(config.root.glob(pattern))
        if not paths:
            problems.append(Problem("mkdocs.yml", 1, f"alert_rules: '{pattern}' matches no file", "warning"))
        for path in paths:
            found, file_problems = read_alert_rules(path, config.root)
            rules.extend(found)
            problems.extend(file_problems)
    return rules_by_alert(rules), problems


def check_rule_files(paths: Iterable[Path], runbooks: Collection[Runbook], config: Config) -> list[Problem]:
    """The problems of the Prometheus rule files ``paths`` and, when they all read, of their
    alerts against ``runbooks`` (``compare_with_runbooks``)."""
    rules, problems = [], []
    for path in paths:
        found, found_problems = read_alert_rules(Path(path), config.root)
        rules.extend(found)
        problems.extend(found_problems)
    if not any(p.is_error for p in problems):
        problems.extend(compare_with_runbooks(rules, runbooks, config.site_url))
    return problems


def compare_with_runbooks(rules: list[AlertRule], runbooks: Collection[Runbook], site_url: str = "") -> list[Problem]:
    """Alerts with no runbook (errors); runbooks naming alerts no rule defines and runbook_url
    annotations that do not point at the alert's page (warnings: only some rule files may be given)."""
    problems = []
    documented = {alert: runbook for runbook in runbooks for alert in runbook.alerts}
    defined = {rule.alert for rule in rules}
    seen = set()
    for rule in rules:
        if rule.alert not in documented:
            if rule.alert in seen:
                continue  # one alert may have several rules (e.g. warning and critical)
            close = [a for a in documented if a.lower() == rule.alert.lower()]
            hint = f" (a runbook lists '{close[0]}'; alert names are case-sensitive)" if close else ""
            problems.append(
                Problem(
                    rule.shown,
                    rule.line,
                    f"alert '{rule.alert}' has no runbook{hint}; add it to the 'alerts' of a runbook, "
                    f"or run `statusgen runbook new NAME --service SERVICE`",
                )
            )
        elif rule.runbook_url:
            expected = f"/runbooks/alerts/{alert_slug(rule.alert)}/"
            if not rule.runbook_url.rstrip("/").endswith(expected.rstrip("/")):
                problems.append(
                    Problem(
                        rule.shown,
                        rule.line,
                        f"alert '{rule.alert}' has runbook_url '{rule.runbook_url}'; expected it to end with {expected}",
                        "warning",
                    )
                )
        seen.add(rule.alert)
    for runbook in runbooks:
        for alert, line in zip(runbook.alerts, runbook.alert_lines):
            if alert not in defined:
                problems.append(
                    Problem(
                        runbook.shown,
                        line,
                        f"runbook names alert '{alert}', which no alerting rule given defines; "
                        "fix the name, remove it, or pass the rule file that defines it",
                        "warning",
                    )
                )
    return problems
