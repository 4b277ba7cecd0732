"""Commit an edited incident file with git, for `statusgen new/update/resolve/reopen --commit`."""

from __future__ import annotations

import subprocess
from pathlib import Path

from statusgen.core.errors import StatusgenError


def commit(root: Path, path: Path, message: str) -> None:
    """Stage and commit only ``path`` in the repository at ``root`` with ``message``.

    Other staged changes stay out of the commit. Raises StatusgenError naming the git step that
    failed and git's last line of output; the file itself is already written then.
    """
    for args in (["add", "--", str(path)], ["commit", "-q", "-m", message, "--", str(path)]):
        result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
        if result.returncode:
            detail = (result.stderr or result.stdout).strip().splitlines()
            raise StatusgenError(
                f"the file was written but git {args[0]} failed: {detail[-1] if detail else result.returncode}"
            )
