"""Create the plugin's virtualenv (filelock, pyyaml) in the given directory; log to setup.log beside it.

Run once by plugin-hook.sh at the first SessionStart. Standard library only: it runs before
anything else is installed. Exits 0 even on failure: the hooks then use python3's fallbacks.
"""

import os
import subprocess
import sys
import time

PACKAGES = ["filelock>=3.12", "pyyaml>=6"]


def main(venv: str) -> int:
    data_dir = os.path.dirname(venv)
    os.makedirs(data_dir, mode=0o700, exist_ok=True)
    building = venv + ".building"
    with open(os.path.join(data_dir, "setup.log"), "a", encoding="utf-8") as log:
        log.write(f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} creating {venv}\n")
        log.flush()
        steps = [[sys.executable, "-m", "venv", building], [os.path.join(building, "bin", "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *PACKAGES]]
        for step in steps:
            try:
                done = subprocess.run(step, stdout=log, stderr=log, timeout=120)
            except (OSError, subprocess.TimeoutExpired) as exc:
                log.write(f"failed: {exc}\n")
                return 0
            if done.returncode != 0:
                log.write(f"failed: {' '.join(step)} exited {done.returncode}\n")
                return 0
        try:
            os.rename(building, venv)  # complete or absent: a half-built venv is never used
        except OSError as exc:
            log.write(f"failed: {exc}\n")
            return 0
        log.write("done\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
