"""Timing whole commands, each run a fresh process: what a person waits for."""

import statistics
import subprocess
import time


def median_seconds(command, rounds: int) -> float:
    """The median wall time of ``rounds`` runs of ``command`` (output discarded; it must succeed)."""
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)
