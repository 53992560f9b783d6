"""Every hostile probe (issue 16) must be clean: right exit code, says where, no traceback, no hang,
nothing lost, no secret in any output. See hostile_kit.py for the verdict and the probe modules for
the inputs."""

from __future__ import annotations

import itertools
from pathlib import Path

import hostile_limits  # noqa: F401  (registers probes)
import hostile_refs  # noqa: F401
import hostile_run  # noqa: F401
import hostile_secrets  # noqa: F401
import pytest
from hostile_kit import PROBES, Probe, StaticServer, Workspace, describe, judge, record

_counter = itertools.count()


@pytest.mark.parametrize(
    "probe",
    [pytest.param(p, id=p.id, marks=() if p.fast else (pytest.mark.hostile_full,)) for p in PROBES],
)
def test_probe(probe: Probe, tmp_path: Path, static_server: StaticServer) -> None:
    ws = Workspace(tmp_path, static_server, f"/p{next(_counter)}")
    obs = probe.fn(ws)
    problems = judge(obs)
    record(probe, problems)
    assert not any(problems.values()), describe(problems, obs)


def test_probe_ids_are_unique() -> None:
    ids = [p.id for p in PROBES]
    assert len(ids) == len(set(ids))


def test_every_item_of_the_issue_has_a_probe_in_the_fast_slice() -> None:
    fast = {p.category for p in PROBES if p.fast}
    assert fast == set(range(1, 10))
