"""CLI commands of the public site (build, serve). Heavy imports stay inside the commands."""

COMMANDS = []
