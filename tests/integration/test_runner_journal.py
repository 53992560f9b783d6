"""Nothing is left behind: the journal records what a run creates before it moves on, the run deletes
it at the end and on Ctrl-C, and ``contracttest cleanup`` removes what a crashed run left."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from _runner_support import TOKENS, describe, run_runner
from buggy_servers import make_app, serve

from contracttest.cli import run as cli
from contracttest.errors import SourceError
from contracttest.runner import events
from contracttest.runner.journal import Journal, compact, read_journal, read_pending

pytestmark = pytest.mark.network


def _create(url: str, token: str, name: str) -> str:
    body = {
        "provider": "byo-phone-number",
        "credentialId": "cred-1",
        "number": "+14155550100",
        "name": name,
    }
    resp = httpx.post(
        f"{url}/phone-number", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert resp.status_code == 201, resp.text
    return str(resp.json()["id"])


def test_entries_survive_a_torn_last_line(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    journal = Journal(path, "run1")
    a = journal.record_created(
        base_url="http://x",
        operation="op",
        resource_id="a",
        delete_method="DELETE",
        delete_path="/r/a",
        credential=0,
    )
    journal.record_created(
        base_url="http://x",
        operation="op",
        resource_id="b",
        delete_method="DELETE",
        delete_path="/r/b",
        credential=1,
    )
    journal.record_deleted(a)
    with path.open("a") as fh:
        fh.write('{"event": "created", "entry": "run1:3", "resour')  # the process died here
    pending = read_pending(path)
    assert [(e.resource_id, e.credential) for e in pending] == [("b", 1)]
    assert compact(path) == 1
    assert len(path.read_text().splitlines()) == 1


def test_a_corrupt_journal_names_the_line(tmp_path: Path) -> None:
    # A damaged line is skipped and reported (the rest still counts); a run refuses to add to it.
    path = tmp_path / "j.jsonl"
    path.write_text(
        '{"event": "deleted", "entry": "x"}\nnot json\n{"event": "deleted", "entry": "y"}\n'
    )
    (damaged,) = read_journal(path).damaged
    assert damaged.line == 2
    with pytest.raises(SourceError) as err:
        Journal(path, "next-run")
    assert err.value.line == 2


def test_the_journal_holds_no_credential(fixed_spec: Any, tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    with serve(make_app(fixed_spec, TOKENS)) as url:
        result = run_runner(
            fixed_spec,
            url,
            journal=Journal(path, "t"),
            checks=["stateful.lifecycle", "auth.isolation"],
        )
    assert result.verdict == "passed", describe(result)
    text = path.read_text()
    records = [json.loads(line) for line in text.splitlines()]
    created = [r for r in records if r["event"] == "created"]
    assert created, "the lifecycle creates resources"
    assert {r["credential"] for r in created} == {0, 1}
    assert all(t not in text for t in TOKENS)
    assert read_pending(path) == []  # everything the run created was deleted at the end


def test_ctrl_c_cleans_up(fixed_spec: Any, tmp_path: Path) -> None:
    class Interrupt:
        def start(self, plan: Any) -> None:
            pass

        def handle_event(self, event: Any) -> None:
            if isinstance(event, events.PhaseStarted) and event.phase == "stateful":
                raise KeyboardInterrupt

        def shutdown(self) -> None:
            pass

    path = tmp_path / "journal.jsonl"
    app = make_app(fixed_spec, TOKENS)
    with serve(app) as url:
        result = run_runner(fixed_spec, url, journal=Journal(path, "t"), handlers=[Interrupt()])
        left = dict(app.state.server.records)
    assert result.metadata.interrupted
    assert result.exit_code == 2
    assert left == {}, "the fixtures created before Ctrl-C were deleted"
    assert read_pending(path) == []
    assert any(r["event"] == "created" for r in map(json.loads, path.read_text().splitlines()))


def test_cleanup_removes_what_a_crashed_run_left(fixed_spec: Any, tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    app = make_app(fixed_spec, TOKENS)
    with serve(app) as url:
        # Given a journal whose run died before deleting two resources (one per org)
        journal = Journal(path, "crashed")
        ids = [
            _create(url, TOKENS[0], "a"),
            _create(url, TOKENS[1], "b"),
            _create(url, TOKENS[0], "c"),
        ]
        entries = [
            journal.record_created(
                base_url=url,
                operation="PhoneNumberController_create",
                resource_id=rid,
                delete_method="DELETE",
                delete_path=f"/phone-number/{rid}",
                credential=cred,
            )
            for rid, cred in zip(ids, (0, 1, 0), strict=True)
        ]
        journal.record_deleted(entries[2])  # this one the run did delete (here: pretends to)
        # When cleanup runs with both tokens
        out, err = io.StringIO(), io.StringIO()
        code = cli(
            ["cleanup", "--journal", str(path), "--token", TOKENS[0], "--token", TOKENS[1]],
            out,
            err,
        )
        # Then the two pending resources are gone and the journal is empty
        assert code == 0, err.getvalue()
        assert set(app.state.server.records) == {ids[2]}
        assert read_pending(path) == []
        assert "2 deleted, 0 left" in out.getvalue()
        assert all(t not in out.getvalue() + err.getvalue() for t in TOKENS)
        # And a second cleanup has nothing to do
        assert cli(["cleanup", "--journal", str(path), "--token", TOKENS[0]], out, err) == 0


def test_cleanup_without_the_second_token_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    Journal(path, "r").record_created(
        base_url="http://127.0.0.1:9",
        operation="op",
        resource_id="x",
        delete_method="DELETE",
        delete_path="/x",
        credential=1,
    )
    err = io.StringIO()
    assert cli(["cleanup", "--journal", str(path), "--token", "only-one"], io.StringIO(), err) == 2
    assert "org 2" in err.getvalue()


def test_cleanup_keeps_what_it_could_not_delete(fixed_spec: Any, tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    with serve(make_app(fixed_spec, TOKENS, "crash-bad-id")) as url:  # DELETE of a bad id: 500
        Journal(path, "r").record_created(
            base_url=url,
            operation="op",
            resource_id="x",
            delete_method="DELETE",
            delete_path="/phone-number/x",
            credential=0,
        )
        err = io.StringIO()
        code = cli(["cleanup", "--journal", str(path), "--token", TOKENS[0]], io.StringIO(), err)
    assert code == 1
    assert "kept in the journal" in err.getvalue()
    assert len(read_pending(path)) == 1
