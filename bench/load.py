"""Benchmark: the public pages under HTTP load, against bare routes of the same bytes.

    .venv/bin/python -m bench.load [--commits 3000] [--seconds 10] [--rounds 3] [--connections 32]

1. Starts an embedded database (nx-27017) in a temporary folder.
2. Generates a repository of a few thousand commits in a dozen languages over three
   years (git fast-import), and collects it for real, through the app, for the local
   user, whose repository is then named publicly.
3. Starts gunicorn on bench/load_app.py: 2 `gthread` workers of 4 threads each.
   Two workers because the machine has two cores (one Python process per core, as
   the GIL allows); four threads each, as in the Ansible defaults, so keep-alive
   connections are kept and a request waiting on the database does not hold up the
   worker. The collector is off. (`--worker-class sync` closes every connection
   instead: wrk's 32 keep-alive connections may all land on one gthread worker.)
4. Runs `wrk` (a separate process, one thread, 32 connections) for --seconds against
   each page and then its bare twin, --rounds times alternating (the best run of each
   side counts), a route that returns the same bytes from memory,
   and prints requests/s, p99 latency and the ratio page/bare (target >= 0.5).

Everything runs on one machine: wrk, gunicorn and the database share its cores, so
the absolute figures are lower than on a dedicated server; the ratio compares like
with like. Nothing here asserts: it prints figures.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from app import create_app
from app.storage.embedded import EmbeddedMongo
from bench.load_app import bench_targets

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "commitstats_load"
USERNAME = "me"
EMAIL = "dev@example.com"
WORKERS = 2
THREADS = 4
TARGET_RATIO = 0.5
WARM_UP_SECONDS = 2
TIMEOUT_SECONDS = 30
# Source files the generated history touches, so the CV shows many languages.
FILES = [
    "app/models.py", "app/views.py", "web/src/chart.ts", "web/src/index.js", "cmd/main.go",
    "core/src/lib.rs", "native/buffer.c", "src/Main.java", "scripts/deploy.sh",
    "web/styles/site.scss", "docs/guide.md", "deploy/values.yaml", "db/schema.sql",
    "lib/report.rb",
]
PACKAGES = ["requests", "flask", "numpy", "pydantic", "httpx", "rich", "attrs", "click"]


@dataclass(frozen=True)
class LoadResult:
    requests_per_second: float
    p99_ms: float
    problems: str


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _data(text: str) -> bytes:
    raw = text.encode()
    return b"data %d\n%s\n" % (len(raw), raw)


def generate_repository(path: Path, commits: int, seed: int = 7) -> None:
    """A history of `commits` commits by EMAIL (and a few by someone else), one every
    eight hours or so over the last three years, written with git fast-import."""
    subprocess.run(["git", "init", "--quiet", "--initial-branch=main", str(path)], check=True)
    rng = random.Random(seed)
    now = int(time.time())
    step = 3 * 365 * 86400 // commits
    contents = {name: [] for name in FILES}
    adopted: list[str] = []
    stream = bytearray()
    for n in range(commits):
        when = now - (commits - n) * step + rng.randrange(step // 2)
        email = EMAIL if rng.random() < 0.9 else "someone@example.com"
        kind = rng.choice(["feat", "fix", "refactor", "docs", "test", "chore"])
        changes: dict[str, str] = {}
        for name in rng.sample(FILES, rng.randint(1, 3)):
            lines = contents[name]
            # Files stay a few hundred lines long: later commits delete more.
            del lines[: rng.randint(0, min(len(lines), 10 if len(lines) < 200 else 60))]
            lines.extend(f"line {n}.{k} of {name}" for k in range(rng.randint(3, 40)))
            changes[name] = "\n".join(lines) + "\n"
        if n % (commits // len(PACKAGES)) == 0 and len(adopted) < len(PACKAGES):
            adopted.append(PACKAGES[len(adopted)])
            changes["requirements.txt"] = "".join(f"{p}==1.0\n" for p in adopted)
        stream += b"commit refs/heads/main\nmark :%d\n" % (n + 1)
        stream += f"author Dev <{email}> {when} +0000\n".encode()
        stream += f"committer Dev <{email}> {when} +0000\n".encode()
        stream += _data(f"{kind}: change {n}")
        if n:
            stream += b"from :%d\n" % n
        for name, text in changes.items():
            stream += f"M 100644 inline {name}\n".encode() + _data(text)
        stream += b"\n"
    subprocess.run(["git", "fast-import", "--quiet"], cwd=path, input=bytes(stream), check=True)
    subprocess.run(["git", "checkout", "--quiet", "main"], cwd=path, check=True)


def populate(mongo_uri: str, data_dir: Path, repository: Path) -> int:
    """Collect the repository for the local user through the app, as a person would;
    returns how many of the user's commits the CV counts."""
    app = create_app({
        "SECRET_KEY": "bench", "MONGODB_URI": mongo_uri, "MONGODB_DATABASE": DATABASE,
        "DATA_DIR": str(data_dir), "LOCAL_SIGNIN": True, "LOCAL_USERNAME": USERNAME,
        "SESSION_COOKIE_SECURE": False, "COLLECTOR_ENABLED": False,
    })
    client = app.test_client()

    def post(url: str, **data: str) -> None:
        # Signing in starts a new session: the CSRF token is set again before each form.
        with client.session_transaction() as session:
            token = session.setdefault("csrf_token", "bench")
        response = client.post(url, data={"csrf_token": token, **data})
        if response.status_code >= 400:
            raise SystemExit(f"POST {url} answered {response.status_code}")

    post("/sign-in/local")
    post("/settings/emails", email=EMAIL)
    post("/repositories/", source=str(repository), branches="")
    if app.extensions["collection_agent"].workers[0].run_pending() != 1:
        raise SystemExit("the generated repository was not collected")
    repo_id = str(app.extensions["db"].repositories.find_one()["_id"])
    post(f"/repositories/{repo_id}/privacy", public="True")
    commits = client.get(f"/api/v1/users/{USERNAME}/stats").get_json()["commits"]
    app.extensions["db"].client.close()
    return commits


def start_gunicorn(environment: dict[str, str], port: int, log: Path,
                   worker_class: str = "gthread") -> subprocess.Popen:
    threads = THREADS if worker_class == "gthread" else 1
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--threads", str(threads),
         "--worker-class", worker_class, "--bind", f"127.0.0.1:{port}",
         "bench.load_app:create_bench_app()"],
        cwd=ROOT, env=environment, stdout=log.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    bare = f"http://127.0.0.1:{port}/bench/bare/cv"
    ready = 0
    while ready < 20:  # answered repeatedly, so both workers have started
        if server.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"gunicorn did not start:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(bare, timeout=5) as answer:
                ready += answer.status == 200
        except OSError:
            time.sleep(0.3)
    return server


def _milliseconds(figure: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", figure).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def wait_until_idle(probe: str, timeout: float = 90) -> None:
    """Wait for the requests wrk left queued in gunicorn to finish: wrk stops on time,
    but the server still answers what it accepted, which would slow the next run."""
    deadline, quick = time.monotonic() + timeout, 0
    while quick < 3 and time.monotonic() < deadline:
        started = time.perf_counter()
        with urllib.request.urlopen(probe, timeout=timeout) as answer:
            answer.read()
        quick = quick + 1 if time.perf_counter() - started < 0.05 else 0


def run_wrk(url: str, seconds: int, connections: int, idle_probe: str) -> LoadResult:
    # A generous timeout, so that a slow page shows as latency rather than as errors.
    command = ["wrk", "--threads", "1", "--connections", str(connections), "--latency",
               "--timeout", f"{TIMEOUT_SECONDS}s"]
    subprocess.run([*command, "--duration", f"{WARM_UP_SECONDS}s", url],
                   check=True, capture_output=True)
    wait_until_idle(idle_probe)
    output = subprocess.run([*command, "--duration", f"{seconds}s", url],
                            check=True, capture_output=True, text=True).stdout
    wait_until_idle(idle_probe)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = _milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE).group(1))
    problems = "; ".join(line.strip() for line in output.splitlines()
                         if "Non-2xx" in line or "Socket errors" in line)
    return LoadResult(rate, p99, problems)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=3000)
    parser.add_argument("--seconds", type=int, default=10, help="per run")
    parser.add_argument("--rounds", type=int, default=3,
                        help="runs per target and its bare twin, alternating; the best counts")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--worker-class", choices=["gthread", "sync"], default="gthread",
                        help="sync closes every connection, so each request may go to "
                             "either worker; gthread keeps a connection on one worker")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")

    with tempfile.TemporaryDirectory() as folder, EmbeddedMongo(Path(folder) / "mongo") as db:
        started = time.perf_counter()
        repository = Path(folder) / "generated"
        generate_repository(repository, args.commits)
        generated = time.perf_counter()
        commits = populate(db.uri, Path(folder) / "data", repository)
        print(f"repository: {args.commits:,} generated commits in {generated - started:.1f} s; "
              f"collected in {time.perf_counter() - generated:.1f} s; the CV counts "
              f"{commits:,} of yours")

        port = free_port()
        environment = {
            **os.environ, "MONGODB_URI": db.uri, "MONGODB_DATABASE": DATABASE,
            "SECRET_KEY": "bench", "COMMITSTATS_DATA_DIR": str(Path(folder) / "data"),
            "COMMITSTATS_BENCH_USER": USERNAME,
        }
        log = Path(folder) / "gunicorn.log"
        server = start_gunicorn(environment, port, log, args.worker_class)
        threads = THREADS if args.worker_class == "gthread" else 1
        print(f"gunicorn: {WORKERS} {args.worker_class} workers x {threads} threads; "
              f"wrk: 1 thread, {args.connections} connections, best of {args.rounds} runs of "
              f"{args.seconds} s per target "
              f"(after {WARM_UP_SECONDS} s of warm-up), {TIMEOUT_SECONDS} s timeout\n")
        print(f"{'target':34} {'req/s':>8} {'p99 ms':>8}   {'bare req/s':>10} {'p99 ms':>8}"
              f"   {'ratio':>5}")
        try:
            base = f"http://127.0.0.1:{port}"
            probe = f"{base}/bench/bare/api"
            for name, path in bench_targets(USERNAME).items():
                # Alternating rounds, the best of each side counting: a burst of
                # noise from a neighbour then hurts both sides alike.
                pages, bares = [], []
                for _ in range(args.rounds):
                    pages.append(run_wrk(base + path, args.seconds, args.connections, probe))
                    bares.append(run_wrk(f"{base}/bench/bare/{name}", args.seconds,
                                         args.connections, probe))
                page = max(pages, key=lambda result: result.requests_per_second)
                bare = max(bares, key=lambda result: result.requests_per_second)
                ratio = page.requests_per_second / bare.requests_per_second
                verdict = "" if ratio >= TARGET_RATIO else f"  below {TARGET_RATIO}"
                print(f"{path:34} {page.requests_per_second:8.1f} {page.p99_ms:8.1f}   "
                      f"{bare.requests_per_second:10.1f} {bare.p99_ms:8.1f}   "
                      f"{ratio:5.2f}{verdict}")
                for result, label in ((page, path), (bare, f"bare {name}")):
                    if result.problems:
                        print(f"  {label}: {result.problems}")
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
