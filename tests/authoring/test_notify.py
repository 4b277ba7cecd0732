"""`statusgen notify`: each new update posted once to a real HTTP server on 127.0.0.1, retries
with backoff, a failure that loses nothing, and no secret ever printed."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner
from conftest import INCIDENT, SMALL_CONFIG, write_repo

from statusgen.authoring.notify import Pending, slack_payload, webhook_payload
from statusgen.cli import main
from statusgen.core.model import Incident, Update
from statusgen.sources.config import load_config

NOTIFY_CONFIG = SMALL_CONFIG.replace(
    "      company: Acme\n",
    "      company: Acme\n      notify_webhook_env: TEST_STATUS_WEBHOOK\n      notify_slack_env: TEST_STATUS_SLACK\n",
)
SECRET = "T0KEN-5ecret-9f1b"


class Hooks:
    """A local webhook server: records every POST; ``fail[path]`` answers 500 that many times."""

    def __init__(self):
        self.requests: list[tuple[str, dict]] = []
        self.fail: dict[str, int] = {}
        self.delay: dict[str, float] = {}
        hooks = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                time.sleep(hooks.delay.get(self.path, 0))
                hooks.requests.append((self.path, body))
                if hooks.fail.get(self.path, 0) > 0:
                    hooks.fail[self.path] -= 1
                    status = 500
                else:
                    status = 200
                try:
                    self.send_response(status)
                    self.end_headers()
                    self.wfile.write(b"ok")
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.server.server_port}"

    def posted(self, path: str) -> list[dict]:
        return [body for p, body in self.requests if p == path]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hooks():
    server = Hooks()
    yield server
    server.close()


def git(root, *args):
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def repo(tmp_path):
    root = write_repo(tmp_path / "repo", {"incidents/2026/2026-11-20-api-errors.yaml": INCIDENT}, NOTIFY_CONFIG)
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "empty")
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "first incident")
    return root


def cli(root, *args, env=None, now="2026-11-22T16:00:00Z"):
    return CliRunner().invoke(main, ["-C", str(root), "--now", now, *args], env=env)


def commit(root, message="change"):
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", message)
    return git(root, "rev-parse", "HEAD")


def env_for(hooks):
    return {
        "TEST_STATUS_WEBHOOK": f"{hooks.base}/generic/{SECRET}",
        "TEST_STATUS_SLACK": f"{hooks.base}/slack/{SECRET}",
    }


def notify(root, hooks, since, *extra):
    return cli(root, "notify", "--since", since, "--backoff", "0", "--timeout", "5", *extra, env=env_for(hooks))


def declare_and_update(root):
    """A new incident (one update) and one more update to the existing one, in one commit."""
    before = git(root, "rev-parse", "HEAD")
    result = cli(
        root, "new", "-t", "Checkout errors", "-s", "SEV2", "-c", "web=major", "-m", "Checkout <fails> & errors.",
        "--at", "2026-11-22T15:00:00Z", "--note", "CANARY-INTERNAL-NOTE-1",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    result = cli(
        root, "reopen", "api-errors", "-c", "api=degraded", "-m", "Errors are back.", "--at", "2026-11-22T15:10:00Z"
    )
    assert result.exit_code == 0, result.output
    commit(root, "incidents")
    return before


def test_posts_each_new_update_once_to_both_webhooks(repo, hooks):
    before = declare_and_update(repo)
    result = notify(repo, hooks, before)
    assert result.exit_code == 0, result.output
    generic = hooks.posted(f"/generic/{SECRET}")
    slack = hooks.posted(f"/slack/{SECRET}")
    assert [b["update"]["key"] for b in generic] == [
        "2026-11-22-checkout-errors/2026-11-22T15:00:00Z/investigating",
        "2026-11-20-api-errors/2026-11-22T15:10:00Z/investigating",
    ]
    assert len(slack) == 2
    first = generic[0]
    assert first["incident"] == {
        "id": "2026-11-22-checkout-errors",
        "title": "Checkout errors",
        "kind": "incident",
        "severity": "SEV2",
        "url": "https://status.acme.test/incidents/2026-11-22-checkout-errors/",
        "components": [{"id": "web", "name": "Website", "status": "major_outage"}],
    }
    assert first["update"]["message"] == "Checkout <fails> & errors."
    assert first["update"]["next_update_at"] == "2026-11-22T16:00:00Z"  # SEV2's cadence: one hour
    # Slack: blocks with stage, severity, components, the message, the next update and a link
    blocks = slack[0]["blocks"]
    assert blocks[0] == {"type": "header", "text": {"type": "plain_text", "text": "Checkout errors", "emoji": False}}
    fields = [f["text"] for f in blocks[1]["fields"]]
    assert fields == [
        "*Stage*\nInvestigating",
        "*Severity*\nSEV2",
        "*Components*\nWebsite: Major outage",
        "*Next update*\n22 Nov 2026, 16:00 UTC",
    ]
    assert blocks[2]["text"]["text"] == "Checkout &lt;fails&gt; &amp; errors."
    assert (
        "<https://status.acme.test/incidents/2026-11-22-checkout-errors/|Incident page>"
        in blocks[3]["elements"][0]["text"]
    )
    # nothing internal, and no secret printed
    everything = json.dumps(hooks.requests)
    assert "CANARY-INTERNAL-NOTE-1" not in everything and "carol" not in everything
    assert SECRET not in result.output
    # a second run (a re-run of the job, or an overlapping range) posts nothing
    count = len(hooks.requests)
    result = notify(repo, hooks, before)
    assert result.exit_code == 0, result.output
    assert len(hooks.requests) == count
    # the next update is posted, and only it
    before = git(repo, "rev-parse", "HEAD")
    assert cli(repo, "resolve", "checkout", "--at", "2026-11-22T15:30:00Z", "-m", "Fixed.").exit_code == 0
    commit(repo)
    assert notify(repo, hooks, before).exit_code == 0
    latest = hooks.posted(f"/generic/{SECRET}")[-1]
    assert len(hooks.requests) == count + 2
    assert latest["update"]["stage"] == "resolved" and latest["update"]["next_update_at"] is None
    assert latest["incident"]["components"] == [{"id": "web", "name": "Website", "status": "operational"}]


def test_a_webhook_that_fails_twice_then_accepts_gets_each_update_once(repo, hooks):
    before = declare_and_update(repo)
    hooks.fail[f"/slack/{SECRET}"] = 2
    result = notify(repo, hooks, before)
    assert result.exit_code == 0, result.output
    slack = hooks.posted(f"/slack/{SECRET}")
    assert len(slack) == 4  # the first update three times (500, 500, 200), then the second
    assert slack[0] == slack[1] == slack[2] != slack[3]
    assert len(hooks.posted(f"/generic/{SECRET}")) == 2


def test_a_failed_post_fails_the_job_and_the_next_run_sends_what_was_missed(repo, hooks):
    before = declare_and_update(repo)
    hooks.fail[f"/slack/{SECRET}"] = 3  # three attempts, all refused
    result = notify(repo, hooks, before)
    assert result.exit_code == 1
    assert (
        "FAILED to post 2026-11-22-checkout-errors/2026-11-22T15:00:00Z/investigating to slack (TEST_STATUS_SLACK): HTTP 500 after 3 attempts"
        in result.output
    )
    assert "1 later update held back to keep the order" in result.output
    assert SECRET not in result.output and "127.0.0.1" not in result.output
    assert len(hooks.posted(f"/generic/{SECRET}")) == 2  # the other webhook got everything
    notes = git(repo, "notes", "--ref=refs/notes/statusgen-notify", "show", "HEAD")
    assert "sent 2026-11-22-checkout-errors/2026-11-22T15:00:00Z/investigating webhook" in notes
    assert "pending 2026-11-22-checkout-errors/2026-11-22T15:00:00Z/investigating slack" in notes
    assert "pending 2026-11-20-api-errors/2026-11-22T15:10:00Z/investigating slack" in notes
    # a later push (its own --since) also posts what the failed run missed, in order, once
    before = git(repo, "rev-parse", "HEAD")
    assert cli(repo, "update", "checkout", "--stage", "identified", "--at", "2026-11-22T15:20:00Z").exit_code == 0
    commit(repo)
    result = notify(repo, hooks, before)
    assert result.exit_code == 0, result.output
    slack = [b["text"] for b in hooks.posted(f"/slack/{SECRET}")[3:]]
    assert [t.split(":")[0] for t in slack] == [
        "[Investigating] Checkout errors",
        "[Investigating] API errors",
        "[Identified] Checkout errors",
    ]
    assert len(hooks.posted(f"/generic/{SECRET}")) == 3
    assert notify(repo, hooks, before).exit_code == 0
    assert len(hooks.posted(f"/slack/{SECRET}")) == 6


def test_a_webhook_that_does_not_answer_times_out(repo, hooks):
    before = declare_and_update(repo)
    hooks.delay[f"/slack/{SECRET}"] = 1.5
    result = cli(
        repo, "notify", "--since", before, "--backoff", "0", "--timeout", "0.3", "--attempts", "1", env=env_for(hooks)
    )
    assert result.exit_code == 1
    assert "to slack (TEST_STATUS_SLACK): timed out after 1 attempt" in result.output


def test_off_unless_configured_and_a_missing_secret_is_named(repo, hooks, tmp_path):
    before = declare_and_update(repo)
    result = cli(repo, "notify", "--since", before, env={"TEST_STATUS_WEBHOOK": "", "TEST_STATUS_SLACK": ""})
    assert result.exit_code == 1
    assert (
        "notify_webhook_env names the environment variable TEST_STATUS_WEBHOOK, which is not set or empty"
        in result.output
    )
    plain = write_repo(tmp_path / "plain", {"incidents/2026/2026-11-20-api-errors.yaml": INCIDENT})
    result = cli(plain, "notify", "--since", "HEAD")
    assert result.exit_code == 0
    assert "notifications are off" in result.output
    assert hooks.requests == []


def test_a_url_in_the_config_instead_of_a_variable_name_is_refused(tmp_path):
    config = SMALL_CONFIG.replace(
        "      company: Acme\n", "      company: Acme\n      notify_slack_env: https://hooks.example/x\n"
    )
    root = write_repo(tmp_path / "r", {"incidents/2026/2026-11-20-api-errors.yaml": INCIDENT}, config)
    result = cli(root, "validate")
    assert result.exit_code == 1
    assert "mkdocs.yml:9: notify_slack_env is the NAME of an environment variable" in result.output


def test_dry_run_and_drills(repo, hooks):
    before = git(repo, "rev-parse", "HEAD")
    drill = (repo / "incidents/2026/2026-11-20-api-errors.yaml").read_text().replace("commander: carol", "drill: true")
    (repo / "incidents/2026/2026-11-21-practice.yaml").write_text(
        drill.replace("2026-11-20-api-errors", "2026-11-21-practice")
    )
    assert (
        cli(
            repo, "update", "api-errors", "--stage", "resolved", "--at", "2026-11-22T12:00:00Z", "-m", "Done."
        ).exit_code
        != 0
    )
    assert (
        cli(repo, "reopen", "api-errors", "-m", "Back.", "-c", "api=degraded", "--at", "2026-11-22T12:00:00Z").exit_code
        == 0
    )
    commit(repo)
    result = notify(repo, hooks, before, "--dry-run")
    assert result.exit_code == 0, result.output
    assert (
        "would post 2026-11-20-api-errors/2026-11-22T12:00:00Z/investigating to webhook (TEST_STATUS_WEBHOOK)"
        in result.output
    )
    assert "practice" not in result.output  # drills are never posted
    assert hooks.requests == []


def test_an_unknown_since_in_a_shallow_clone_is_a_clear_error(repo, hooks, tmp_path):
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow)], check=True)
    result = notify(shallow, hooks, "deadbeef")
    assert result.exit_code == 1
    assert "--since deadbeef: no such commit here" in result.output
    assert hooks.requests == []


@dataclass(frozen=True)
class PromisingUpdate(Update):
    """An update that promises the next one, as `statusgen new`/`update` record it (next_update)."""

    next_update: datetime | None = None


def test_a_promised_next_update_is_in_both_payloads(tmp_path):
    config = load_config(write_repo(tmp_path / "r", {}, NOTIFY_CONFIG))
    at, promised = (
        datetime(2026, 11, 22, 15, 0, tzinfo=timezone.utc),
        datetime(2026, 11, 22, 15, 30, tzinfo=timezone.utc),
    )
    found = PromisingUpdate(at=at, stage="identified", message="Found it.", next_update=promised)
    incident = Incident(id="2026-11-22-x", title="X", kind="incident", updates=(found,), severity="SEV2")
    assert webhook_payload(Pending(incident, 0), config)["update"]["next_update_at"] == "2026-11-22T15:30:00Z"
    fields = [f["text"] for f in slack_payload(Pending(incident, 0), config)["blocks"][1]["fields"]]
    assert fields[3] == "*Next update*\n22 Nov 2026, 15:30 UTC"
    # a final update promises nothing, whatever it says
    done = PromisingUpdate(at=at, stage="resolved", message="Done.", next_update=promised)
    incident = Incident(id="2026-11-22-x", title="X", kind="incident", updates=(done,), severity="SEV2")
    assert webhook_payload(Pending(incident, 0), config)["update"]["next_update_at"] is None


# -- hostile content and broken settings -----------------------------------------------------------


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_slack_gets_no_mention_or_link_from_incident_text(tmp_path):
    config = load_config(write_repo(tmp_path / "r", {}, NOTIFY_CONFIG))
    at = datetime(2026, 11, 22, 15, 0, tzinfo=timezone.utc)
    hostile = "<!channel> <https://evil.example/login|Reset your password here> <@U024BE7LH> & co"
    update = Update(at=at, stage="identified", message=hostile)
    incident = Incident(id="2026-11-22-x", title="Title <!here> & <b>", kind="incident", updates=(update,))
    body = slack_payload(Pending(incident, 0), config)
    link = "<https://status.acme.test/incidents/2026-11-22-x/|Incident page>"
    for text in _strings(body):
        assert "<" not in text.replace(link, ""), text
        assert ">" not in text.replace(link, ""), text
    assert body["text"] == (
        "[Identified] Title &lt;!here&gt; &amp; &lt;b&gt;: &lt;!channel&gt; "
        "&lt;https://evil.example/login|Reset your password here&gt; &lt;@U024BE7LH&gt; &amp; co"
    )
    assert body["blocks"][0]["text"]["text"] == "Title &lt;!here&gt; &amp; &lt;b&gt;"
    assert link in body["blocks"][-1]["elements"][0]["text"]
    # a long text is cut without leaving half an escape behind
    long = Update(at=at, stage="identified", message="<" * 5000)
    incident = Incident(id="2026-11-22-x", title="X", kind="incident", updates=(long,))
    body = slack_payload(Pending(incident, 0), config)
    assert body["text"].endswith("&lt;…") and len(body["text"]) <= 3000


@pytest.mark.parametrize(
    "site_url",
    [
        "https://status.acme.test/a|b",
        "https://status.acme.test/a>b",
        'https://status.acme.test/"x',
        "https://status.acme.test/a b",
        "http://[::1",
        "javascript:alert(1)",
        "status.acme.test",
    ],
)
def test_slack_gets_no_link_when_the_site_url_would_break_one(tmp_path, site_url):
    import dataclasses

    config = dataclasses.replace(load_config(write_repo(tmp_path / "r", {}, NOTIFY_CONFIG)), site_url=site_url)
    update = Update(at=datetime(2026, 11, 22, 15, 0, tzinfo=timezone.utc), stage="identified", message="m")
    incident = Incident(id="2026-11-22-x", title="X", kind="incident", updates=(update,))
    context = slack_payload(Pending(incident, 0), config)["blocks"][-1]["elements"][0]["text"]
    assert "<" not in context and "Incident page" not in context


def test_slack_link_escapes_an_ampersand_in_the_site_url(tmp_path):
    import dataclasses

    config = load_config(write_repo(tmp_path / "r", {}, NOTIFY_CONFIG))
    config = dataclasses.replace(config, site_url="https://status.acme.test/a&b/")
    update = Update(at=datetime(2026, 11, 22, 15, 0, tzinfo=timezone.utc), stage="identified", message="m")
    incident = Incident(id="2026-11-22-x", title="X", kind="incident", updates=(update,))
    context = slack_payload(Pending(incident, 0), config)["blocks"][-1]["elements"][0]["text"]
    assert "<https://status.acme.test/a&amp;b/incidents/2026-11-22-x/|Incident page>" in context


@pytest.mark.parametrize(
    "broken",
    [
        "{base}/slack/{secret} X",  # a space: http.client refuses it (InvalidURL, quoting the path)
        "{base}/slack/{secret}\x01",
        "{base}/slack/{secret}é",  # not ASCII
        "http://[::1/slack/{secret}",  # does not parse
        "http://127.0.0.1:port/slack/{secret}",
        "ftp://127.0.0.1/slack/{secret}",
    ],
)
def test_a_broken_webhook_url_is_named_never_shown_and_its_updates_wait(repo, hooks, broken):
    before = declare_and_update(repo)
    env = env_for(hooks) | {"TEST_STATUS_SLACK": broken.format(base=hooks.base, secret=SECRET)}
    result = cli(repo, "notify", "--since", before, "--backoff", "0", "--timeout", "5", env=env)
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # a clean error, not a traceback
    assert "Traceback" not in result.output
    assert SECRET not in result.output and "127.0.0.1" not in result.output and "::1" not in result.output
    assert "the environment variable TEST_STATUS_SLACK does not hold a usable URL" in result.output
    assert len(hooks.posted(f"/generic/{SECRET}")) == 2  # the other webhook is not held up
    notes = git(repo, "notes", "--ref=refs/notes/statusgen-notify", "show", "HEAD")
    assert "pending 2026-11-22-checkout-errors/2026-11-22T15:00:00Z/investigating slack" in notes
    assert "pending 2026-11-20-api-errors/2026-11-22T15:10:00Z/investigating slack" in notes
    # once the secret is fixed, the next run posts what waited, to Slack only
    result = notify(repo, hooks, git(repo, "rev-parse", "HEAD"))
    assert result.exit_code == 0, result.output
    assert len(hooks.posted(f"/slack/{SECRET}")) == 2
    assert len(hooks.posted(f"/generic/{SECRET}")) == 2


def test_post_reports_a_url_it_cannot_send_without_quoting_it():
    from statusgen.authoring.webhooks import post

    for url in (f"http://127.0.0.1:9/x/{SECRET} X", f"http://127.0.0.1:9/x/{SECRET}é", "http://[::1/x"):
        why = post(url, {"a": 1}, timeout=1, attempts=2, backoff=0, sleep=lambda _: None)
        assert why is not None and SECRET not in why and "127.0.0.1" not in why


def test_a_moved_incident_file_does_not_post_its_old_updates_again(repo, hooks):
    before = git(repo, "rev-parse", "HEAD")
    (repo / "incidents/archive").mkdir()
    git(repo, "mv", "incidents/2026/2026-11-20-api-errors.yaml", "incidents/archive/2026-11-20-api-errors.yaml")
    result = cli(repo, "reopen", "api-errors", "-m", "Back.", "-c", "api=degraded", "--at", "2026-11-22T12:00:00Z")
    assert result.exit_code == 0, result.output
    commit(repo, "archive and reopen")
    result = notify(repo, hooks, before)
    assert result.exit_code == 0, result.output
    assert [b["update"]["key"] for b in hooks.posted(f"/generic/{SECRET}")] == [
        "2026-11-20-api-errors/2026-11-22T12:00:00Z/investigating"
    ]


def test_a_since_lost_to_a_force_push_falls_back_to_the_last_recorded_commit(repo, hooks):
    declare_and_update(repo)
    assert notify(repo, hooks, "HEAD~1").exit_code == 0  # notes now on this commit
    count = len(hooks.posted(f"/generic/{SECRET}"))
    assert cli(repo, "update", "checkout", "--stage", "identified", "--at", "2026-11-22T15:20:00Z").exit_code == 0
    commit(repo)
    assert cli(repo, "update", "checkout", "--stage", "monitoring", "--at", "2026-11-22T15:40:00Z").exit_code == 0
    commit(repo)
    lost = "1234567890" * 4  # the old tip: gone from the rewritten history
    result = notify(repo, hooks, lost)
    assert result.exit_code == 0, result.output
    assert f"warning: --since {lost} is not a commit here" in result.output
    assert [b["update"]["stage"] for b in hooks.posted(f"/generic/{SECRET}")[count:]] == ["identified", "monitoring"]
    assert len(hooks.posted(f"/slack/{SECRET}")) == count + 2


def test_a_since_lost_to_a_force_push_without_notes_posts_the_last_commit(repo, hooks):
    declare_and_update(repo)
    result = notify(repo, hooks, "1234567890" * 4)
    assert result.exit_code == 0, result.output
    assert "warning: --since 1234567890" in result.output and "HEAD^..HEAD" in result.output
    assert len(hooks.posted(f"/generic/{SECRET}")) == 2
