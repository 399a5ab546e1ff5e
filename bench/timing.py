"""Timing whole commands, each run a fresh process: what a person waits for."""

import statistics
import subprocess
import time


def median_seconds(command, rounds: int) -> float:
    """The median wall time of ``rounds`` runs of ``command`` (output discarded; it must succeed)."""
    return interleaved_medians([command], rounds)[0]


def interleaved_medians(commands, rounds: int, envs=None) -> list:
    """The median wall time of each of ``commands``, run in turn in every round (A B A B…), so a
    drift in the machine's load falls on all of them alike rather than on whichever ran last.
    ``envs``: each command's environment (default: this process's)."""
    samples = [[] for _ in commands]
    for _ in range(rounds):
        for command, env, times in zip(commands, envs or [None] * len(commands), samples):
            started = time.perf_counter()
            subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            times.append(time.perf_counter() - started)
    return [statistics.median(times) for times in samples]


def timed_get(connection, path: str) -> float:
    """Seconds for one GET of ``path`` on an open ``http.client`` connection (it must answer 200)."""
    started = time.perf_counter()
    connection.request("GET", path)
    answer = connection.getresponse()
    answer.read()
    assert answer.status == 200, (path, answer.status)
    return time.perf_counter() - started
