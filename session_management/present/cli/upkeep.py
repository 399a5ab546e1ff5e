"""Keeping recorded data in shape: ``cleanup`` (idle sessions, old archives), ``redact`` (today's rules on what is stored)."""

import os

from .common import CliError, find_runtime_dir, manager_for, runtime_path
from .options import Option, command


@command("cleanup", "end sessions idle past their timeout; delete archives older than the retention period",
         Option("--dry-run", action="store_true", help="say what would be done, change nothing"),
         Option("--retention-days", type=float, metavar="DAYS", help="delete archives older than this (default: retention_days from the config)"))
def cmd_cleanup(args) -> int:
    from ...store import config as _config

    runtime = find_runtime_dir(args.runtime_dir)
    manager = manager_for(runtime)
    retention = args.retention_days
    if retention is None:
        config, _problems = _config.load(str(runtime.parent), str(runtime))
        retention = config["retention_days"]
    would = "would " if args.dry_run else ""
    actions = [f"{would}end and archive {sid} (idle past its timeout)" for sid in manager.cleanup_expired(dry_run=args.dry_run)]
    if retention:
        pruned = manager.prune_archived(retention * 86400, dry_run=args.dry_run)
        actions += [f"{would}delete {sid} (archived over {retention:g} days ago)" for sid in pruned]
    if not actions:
        print("nothing to clean up" + ("" if retention else " (no retention_days set: archives are kept)"))
        return 1
    print("\n".join(actions))
    return 0


@command("redact", "redact every recorded session, log and imported session again with today's rules (rewritten whole, atomically); the search index is rebuilt",
         Option("--check", action="store_true", help="only list what today's rules would redact (exit 1 if anything)"))
def cmd_redact(args) -> int:
    """Redact every stored session, log and imported session again with today's rules; the index is rebuilt."""
    from ...capture import rescan
    from ...query import index
    from ...store import catalog, redaction

    write = not args.check
    try:  # the project around the working directory, even if the catalog never listed it
        here = {os.path.dirname(os.path.dirname(runtime_path(args.runtime_dir)))}
    except CliError:
        here = set()
    projects = sorted(set(catalog.existing(catalog.home())) | here)
    changed = []
    for project in projects:
        runtime = os.path.join(project, ".claude", "runtime")
        if os.path.isdir(runtime):
            changed += rescan.runtime(runtime, rescan.project_redactor(project), write)
    changed += rescan.imported(catalog.home(), write=write)
    cache = os.path.dirname(index.location())
    stale_index = os.path.exists(index.location()) and (changed or redaction.stamped(cache) < redaction.RULES_VERSION)
    if write and stale_index:
        for suffix in ("", "-wal", "-shm"):
            try:
                os.remove(index.location() + suffix)
            except FileNotFoundError:
                pass
    if write and os.path.isdir(cache):
        redaction.stamp(cache)
    verb = "would redact" if args.check else "redacted"
    for path in changed:
        print(f"{verb} {path}")
    if stale_index:
        print(f"{'would rebuild' if args.check else 'removed, to be rebuilt'}: the search index {index.location()}")
    print(f"{len(changed)} file(s) held what today's rules (version {redaction.RULES_VERSION}) redact" + ("" if changed else ": nothing to do"))
    return 1 if args.check and (changed or stale_index) else 0
