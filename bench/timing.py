"""Timing whole commands, each run a fresh process: what a person waits for."""

import statistics
import subprocess
import time


def median_seconds(command, rounds: int) -> float:
    """The median wall time of ``rounds`` runs of ``command`` (output discarded; it must succeed)."""
    return interleaved_medians([command], rounds)[0]


def interleaved_medians(commands, rounds: int) -> list:
    """The median wall time of each of ``commands``, run in turn in every round (A B A B…), so a
    drift in the machine's load falls on all of them alike rather than on whichever ran last."""
    samples = [[] for _ in commands]
    for _ in range(rounds):
        for command, times in zip(commands, samples):
            started = time.perf_counter()
            subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            times.append(time.perf_counter() - started)
    return [statistics.median(times) for times in samples]
