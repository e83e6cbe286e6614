"""A process that contends for the leader lock and logs when it believes it leads.

Run by test_leader_processes.py: python -m tests.leader_contender URI DB NAME LOG LEASE
Each line of LOG is "<wall time> <fence>", written on every tick while leading.
"""

import sys
import time

from pymongo import MongoClient

from app.scheduling.leader import LeaderLock


def main() -> None:
    uri, database, name, log_path, lease = sys.argv[1:6]
    lock = LeaderLock(MongoClient(uri)[database].locks, "scheduler", name, float(lease))
    with open(log_path, "a", buffering=1) as log:
        while True:
            lock.tick()
            if lock.is_leader():
                log.write(f"{time.time():.4f} {lock.fence}\n")
            time.sleep(0.05)


if __name__ == "__main__":
    main()
