"""The grouping worker: a process of its own that embeds and clusters, so the server's
event loop never computes a regrouping.

The server sends snapshots of boards (`domain.grouping.Snapshot`) and receives the
`ThemesUpdated` event each gives; the model is loaded here, once, and its memory lives
here. Messages are length-prefixed pickles on the worker's stdin and stdout (a pipe
between two processes of this program, never a network).

`python -m facilitation.transport.tasks.worker --backend use` runs the loop; the
server side is `GroupingWorker`.
"""

from __future__ import annotations

import argparse
import copyreg
import logging
import os
import pickle
import struct
import subprocess
import sys
import threading
import time
import types
from typing import IO, Any

from ...domain import grouping
from ...domain.events import ThemesUpdated

log = logging.getLogger(__name__)
HEADER = struct.Struct("!I")
READY = "ready"


def _frozen(mapping: dict[Any, Any]) -> types.MappingProxyType[Any, Any]:
    return types.MappingProxyType(mapping)


# Frozen mappings (constraints, event payloads) cross the pipe as the dicts they wrap.
copyreg.pickle(types.MappingProxyType, lambda proxy: (_frozen, (dict(proxy),)))


class WorkerCrashed(RuntimeError):
    """The worker died or answered nothing usable; the next request starts a new one."""


def _send(stream: IO[bytes], message: object) -> None:
    body = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(HEADER.pack(len(body)) + body)
    stream.flush()


def _read_exactly(stream: IO[bytes], size: int) -> bytes:
    """`size` bytes, or fewer only at the end of the stream. eventlet's green pipe returns
    what one read(2) gave (64 KiB at most): a big session's themes came in pieces, and the
    first piece was taken for the whole answer (the worker was killed as crashed, and a
    plenary of 1,000 phones was never regrouped)."""
    chunks: list[bytes] = []
    missing = size
    while missing > 0:
        chunk = stream.read(missing)
        if not chunk:
            break
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


def _receive(stream: IO[bytes]) -> Any:
    head = _read_exactly(stream, HEADER.size)
    if len(head) < HEADER.size:
        raise EOFError("the other side closed the pipe")
    (size,) = HEADER.unpack(head)
    body = _read_exactly(stream, size)
    if len(body) < size:
        raise EOFError("the other side closed the pipe mid-message")
    return pickle.loads(body)


# -- the worker process -----------------------------------------------------------------
def serve(backend: str, inbox: IO[bytes], outbox: IO[bytes]) -> None:
    """Load the model, say ready, then answer each snapshot with its themes."""
    grouping.warm_up(backend)
    _send(outbox, (READY, os.getpid()))
    while True:
        try:
            shot, seeds = _receive(inbox)
        except EOFError:
            return  # the server went away: so do we
        try:
            answer: tuple[str, object] = ("ok", grouping.compute(shot, backend, seeds))
        except Exception as error:  # noqa: BLE001 - reported to the server, which logs it
            log.exception("grouping failed")
            answer = ("error", repr(error))
        _send(outbox, answer)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", default="use")
    args = parser.parse_args(argv)
    # Our protocol owns stdout: anything a library prints goes to stderr instead.
    outbox = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    serve(args.backend, sys.stdin.buffer, outbox)


# -- the server's side ------------------------------------------------------------------
class GroupingWorker:
    """Starts the worker process, sends it snapshots, restarts it when it dies.

    Reads and writes go through the pipe, which eventlet's patched `subprocess` makes
    cooperative: a green thread waiting for themes lets every other one run. One
    request at a time (`_busy`); a watchdog calling `expire` now and then kills a worker
    that spent longer than `timeout` on one request.
    """

    def __init__(self, backend: str, timeout: float = 300.0) -> None:
        self.backend = backend
        self.timeout = timeout
        self.restarts = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._busy = threading.Lock()
        self._request_started: float | None = None
        self._timed_out = False

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process and self._process.poll() is None else None

    def start(self) -> None:
        """Start the worker and wait until its model is loaded (seconds, at start-up)."""
        with self._busy:
            self._ensure()

    def _ensure(self) -> subprocess.Popen[bytes]:
        if self._process is not None and self._process.poll() is None:
            return self._process
        if self._process is not None:
            self.restarts += 1
            log.warning("grouping worker %s ended (code %s): starting a new one",
                        self._process.pid, self._process.returncode)
        process = subprocess.Popen(
            [sys.executable, "-m", "facilitation.transport.tasks.worker",
             "--backend", self.backend],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=_worker_environment(),
        )
        assert process.stdout is not None
        try:
            hello = _receive(process.stdout)
        except EOFError as error:
            process.wait()
            raise WorkerCrashed(f"the grouping worker did not start ({process.returncode})") \
                from error
        if not (isinstance(hello, tuple) and hello[0] == READY):
            process.kill()
            raise WorkerCrashed("the grouping worker answered something unexpected")
        self._process = process
        return process

    def compute(self, shot: grouping.Snapshot,
                seeds: tuple[Any, ...] = ()) -> ThemesUpdated:
        """The themes of a snapshot, computed by the worker (waits cooperatively).

        A worker found dead is replaced and asked once more; one that dies or hangs
        twice on the same snapshot raises `WorkerCrashed`.
        """
        with self._busy:
            try:
                status, value = self._ask(shot, seeds)
            except WorkerCrashed:
                if self._timed_out:
                    raise
                status, value = self._ask(shot, seeds)
        if status != "ok":
            raise RuntimeError(f"the grouping worker failed: {value}")
        return value

    def _ask(self, shot: grouping.Snapshot, seeds: tuple[Any, ...]) -> tuple[str, Any]:
        process = self._ensure()
        assert process.stdin is not None and process.stdout is not None
        self._timed_out = False
        self._request_started = time.monotonic()
        try:
            _send(process.stdin, (shot, seeds))
            answer: tuple[str, Any] = _receive(process.stdout)
            return answer
        except (EOFError, OSError, pickle.UnpicklingError) as error:
            self._kill()
            raise WorkerCrashed(str(error)) from error
        finally:
            self._request_started = None

    def expire(self) -> None:
        """Watchdog: kill a worker stuck on one request for longer than `timeout`."""
        started = self._request_started
        if started is not None and time.monotonic() - started >= self.timeout:
            log.error("grouping worker stuck for %.0f s: killed", self.timeout)
            self._timed_out = True
            self._kill()

    def _kill(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        assert process.stdin is not None
        process.stdin.close()  # the worker ends at end of input
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _worker_environment() -> dict[str, str]:
    """The worker computes on one core at a time, like the server it spares."""
    env = dict(os.environ)
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(name, "1")
    return env


if __name__ == "__main__":
    main()
