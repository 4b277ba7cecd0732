"""CLI commands of the internal site (postmortem, runbook, metrics). Heavy imports stay inside."""

COMMANDS = []
