"""The leader lock across real processes: never two leaders, fast takeover after a kill."""

from __future__ import annotations

import itertools
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from pymongo import MongoClient

LEASE = 1.2


def leadership(log: Path) -> dict[int, tuple[float, float]]:
    """Per fence, the first and last moment this process believed it led."""
    spans: dict[int, tuple[float, float]] = {}
    for line in log.read_text().splitlines():
        moment, fence = float(line.split()[0]), int(line.split()[1])
        first, last = spans.get(fence, (moment, moment))
        spans[fence] = (min(first, moment), max(last, moment))
    return spans


def wait_for_a_leader(logs: list[Path], timeout: float = 10.0) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for index, log in enumerate(logs):
            if log.exists() and log.read_text():
                return index
        time.sleep(0.05)
    raise AssertionError("no process became leader")


def test_three_processes_never_lead_together_and_a_killed_leader_is_replaced(
    mongo_uri: str, tmp_path: Path
) -> None:
    database = f"test_leader_processes_{uuid.uuid4().hex[:8]}"
    logs = [tmp_path / f"contender-{n}.log" for n in range(3)]
    processes = [
        subprocess.Popen([sys.executable, "-m", "tests.leader_contender", mongo_uri, database,
                          f"contender-{n}", str(log), str(LEASE)],
                         cwd=Path(__file__).resolve().parent.parent)
        for n, log in enumerate(logs)
    ]
    try:
        first = wait_for_a_leader(logs)
        time.sleep(3 * LEASE)
        killed_at = time.time()
        processes[first].send_signal(signal.SIGKILL)
        time.sleep(3 * LEASE)
    finally:
        for process in processes:
            process.kill()
            process.wait()
        MongoClient(mongo_uri).drop_database(database)

    spans = {fence: (owner, span) for owner, log in enumerate(logs) if log.exists()
             for fence, span in leadership(log).items()}
    ordered = sorted(spans.items(), key=lambda item: item[1][1][0])
    for (_, (_, earlier)), (_, (_, later)) in itertools.pairwise(ordered):
        assert earlier[1] < later[0], f"two leaders at once: {ordered}"
    successors = [span for owner, span in spans.values() if owner != first]
    assert successors, "nobody took over after the leader was killed"
    takeover = min(start for start, _ in successors) - killed_at
    assert takeover < 2 * LEASE, f"takeover took {takeover:.2f} s"
