"""The history read from Claude Code's transcripts, and the index over every project: ``import``, ``index``."""

import os
import sys

from ..formats import plural
from .common import CliError, emit_json, every_project, import_transcripts, parse_since, progress_printer, refresh_history
from .options import Option, command


@command("import", "read Claude Code's own transcripts into the history: every session on this machine, from before the hooks too (the views across projects do this by themselves)",
         Option("--config-dir", action="append", default=[], metavar="DIR", help="a Claude Code config folder to read (repeatable; default: every folder in $CLAUDE_CONFIG_DIR, else ~/.config/claude and ~/.claude)"),
         Option("--since", metavar="WHEN", help="only transcripts written since WHEN: 2h, 3d, 1w or an ISO date (UTC)"),
         Option("--dry-run", action="store_true", help="read and count, write nothing"),
         Option("--json", action="store_true", help="print a summary as JSON: files read, sessions new and updated, responses, lines skipped by reason"))
def cmd_import(args) -> int:
    """Read Claude Code's transcripts into the user's data home: every session, from before the hooks too."""
    from ...capture.transcript_store import stores
    from ...core.fastos import data_home

    since = parse_since(args.since).timestamp() if args.since else None
    folders = stores(explicit=args.config_dir)
    missing = [folder for folder in args.config_dir if not os.path.isdir(os.path.expanduser(folder))]
    if missing:
        raise CliError(f"--config-dir {missing[0]}: no such directory", 2)
    follower = []  # a second process indexing each batch as it is written, started at the first

    def written(projects):
        from ...query.index import Follower

        follower[:] = follower or [Follower()]
        follower[0].send(projects)

    done = import_transcripts(folders, int(since * 1e9) if since else None, args.dry_run, None if args.dry_run else written)
    for process in follower:
        process.close()
    # What was read is indexed now, so the next view answers at once instead of building the index first.
    indexed = update_index() if done["files_read"] and not args.dry_run else None
    if args.json:
        emit_json({**done, "dry_run": args.dry_run, "home": data_home(), "indexed": indexed})
        return 0
    skipped = {reason: count for reason, count in done["skipped"].items() if count}
    would = "would import" if args.dry_run else "imported"
    print(f"{would}: {plural(done['sessions_new'], 'new session')}, {plural(done['sessions_updated'], 'session')} updated, "
          f"{plural(done['responses'], 'response')}; {done['files_read']} of {plural(done['files'], 'transcript file')} read "
          f"({done['files_unchanged']} unchanged) from {', '.join(folders)}")
    if skipped:
        print("lines skipped: " + ", ".join(f"{count} {reason.replace('_', ' ')}" for reason, count in sorted(skipped.items())))
    for kept in done["set_aside"]:
        print(f"an imported session file that could not be read was set aside as {kept} and imported again", file=sys.stderr)
    if indexed:
        print(f"index up to date: {plural(indexed['sessions_read'] + indexed['sessions_unchanged'], 'session')}")
    if not done["files"]:
        print(f"no Claude Code transcripts found in {', '.join(folders)} (set --config-dir or CLAUDE_CONFIG_DIR)", file=sys.stderr)
    return 0


def update_index(rebuild: bool = False) -> dict:
    """Bring the search index up to date with every tracked project (progress on a terminal); its counts and ``index`` path."""
    from ...query.index import Index

    index = Index(rebuild=rebuild)
    try:
        done = index.update(every_project(), progress_printer("indexing"))
    finally:
        index.close()
    return {**done, "index": index.path}


@command("index", "bring the search index up to date with every tracked project (it is derived: --rebuild starts over)",
         Option("--rebuild", action="store_true", help="delete the index and build it again from the session files"),
         Option("--json", action="store_true", help="print what was done as JSON"))
def cmd_index(args) -> int:
    """Bring the search index up to date with every tracked project (or rebuild it)."""
    refresh_history()
    done = update_index(args.rebuild)
    if args.json:
        emit_json(done)
    else:
        print(f"{done['index']}: {plural(done['projects'], 'project')}, {plural(done['sessions_read'], 'session')} read "
              f"({plural(done['entries_added'], 'entry', 'entries')}), {done['sessions_unchanged']} unchanged, {done['sessions_removed']} removed")
    return 0
