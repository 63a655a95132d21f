"""scripts/wait-for-apt: set-up waits for another apt instead of failing (apt-get update's
package-lists lock included, which DPkg::Lock::Timeout does not cover)."""

import fcntl
import subprocess
import threading
import time
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "wait-for-apt"


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(SCRIPT), *args], capture_output=True, text=True, timeout=60, check=False
    )


def test_free_locks_pass_at_once(tmp_path):
    lock = tmp_path / "lock"
    lock.touch()
    done = _run("10", str(lock), str(tmp_path / "missing"))
    assert done.returncode == 0
    assert done.stderr == ""


def test_a_held_lock_is_waited_for_with_a_message(tmp_path):
    lock = tmp_path / "lists-lock"
    with lock.open("a") as fh:
        fcntl.lockf(fh, fcntl.LOCK_EX)  # as apt-get update holds /var/lib/apt/lists/lock
        timer = threading.Timer(1.0, lambda: fcntl.lockf(fh, fcntl.LOCK_UN))
        timer.start()
        started = time.monotonic()
        done = _run("30", str(lock))
        timer.join()
    assert done.returncode == 0, done.stderr
    assert f"({lock} is locked); waiting up to 30 s" in done.stderr
    assert time.monotonic() - started >= 1.0


def test_a_lock_held_too_long_fails_naming_it(tmp_path):
    lock = tmp_path / "dpkg-lock"
    with lock.open("a") as fh:
        fcntl.lockf(fh, fcntl.LOCK_EX)
        done = _run("0", str(lock))
    assert done.returncode == 1
    assert f"{lock} is still locked after 0 s" in done.stderr
