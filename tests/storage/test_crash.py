"""Kill a writing process mid-batch: every committed record survives, the file is sound."""

import os
import signal
import subprocess
import sys
import time

from kcsac.storage import open_store

WRITER = r"""
import dataclasses, sys
from kcsac.domain.customer_class import AccountClass, CustomerClass
from kcsac.domain.records import Account
from kcsac.storage import open_store

store = open_store(sys.argv[1])
base = Account("0", "Writer", "1 Loop St", AccountClass.COMMERCIAL, CustomerClass.RESIDENT)
batch = 0
while True:
    with store.write():
        for i in range(20):
            store.insert_account(dataclasses.replace(base, number=f"{batch:05d}-{i:02d}"), "w")
    print(batch, flush=True)  # only after COMMIT returned
    batch += 1
"""


def test_sigkill_mid_batch_loses_no_committed_record(tmp_path):
    db = tmp_path / "crash.db"
    open_store(db).close()
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    committed = []
    deadline = time.monotonic() + 60
    while len(committed) < 15 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        committed.append(int(line))
    os.kill(proc.pid, signal.SIGKILL)  # lands while the next batch is being written
    proc.wait(timeout=10)
    proc.stdout.close()
    assert len(committed) >= 15, "the writer did not get going"
    store = open_store(db)
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    numbers = {r[0] for r in store.conn.execute("SELECT number FROM accounts")}
    for batch in committed:
        for i in range(20):
            assert f"{batch:05d}-{i:02d}" in numbers
    batches = {n.split("-")[0] for n in numbers}
    # A batch is all or nothing: no half-written batch survived.
    for b in batches:
        assert sum(1 for n in numbers if n.startswith(b + "-")) == 20
    assert store.verify_audit().ok
    store.close()
