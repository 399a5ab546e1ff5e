"""``export``: one session as JSON, Markdown or an HTML report, or sessions as OpenTelemetry traces (``--otlp``)."""

import os
import sys

from ..formats import plural
from .common import CliError, find_runtime_dir, load_session, nothing_recorded, parse_since, pricer_in_scope, resolve_id, runtime_or_none, scope, write_output
from .options import Group, Option, command


OTLP_OPTIONS = Group(
    "OpenTelemetry", "--otlp sends sessions as traces over OTLP/HTTP (needs the otlp extra)",
    Option("--otlp", action="store_true", help="send to an OTLP endpoint what it has not received yet, instead of writing a file"),
    Option("--all", action="store_true", help="every session of the project"),
    Option("--since", metavar="WHEN", help="sessions active since WHEN: 2h, 3d, 1w or an ISO date (UTC)"),
    Option("--all-projects", action="store_true", help="every project in the catalog (see: projects)"),
    Option("--endpoint", metavar="URL", help="OTLP/HTTP base URL or …/v1/traces (default: otlp.endpoint, else OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT, else http://localhost:4318)"),
    Option("--header", action="append", default=[], metavar="KEY=VALUE", help="an HTTP header to send (repeatable; also otlp.headers, OTEL_EXPORTER_OTLP_HEADERS)"),
    Option("--timeout", type=float, metavar="S", help="give up on the endpoint after S seconds (default 10)"),
    Option("--again", action="store_true", help="send everything again, not only what is new (same ids: no duplicates where spans are keyed by id)"),
    *(Option(f"--no-{switch}", action="store_true", help=f"leave out {what}")
      for switch, what in (("prompts", "the prompts"), ("responses", "the assistant's text"), ("tool-inputs", "tool inputs"), ("tool-outputs", "tool outputs and errors"))),
)


@command("export", "write one session as JSON, Markdown or a self-contained HTML report; or send sessions as OpenTelemetry traces (--otlp)",
         Option("id", nargs="*", metavar="ID", help="a session id or unique prefix (one with --format; any number with --otlp)"),
         Option("--format", choices=("json", "markdown", "html"), default="json", help="default: json"),
         Option("-o", "--output", metavar="FILE", help="write to FILE instead of stdout"),
         OTLP_OPTIONS)
def cmd_export(args) -> int:
    from ..report import html_report, markdown
    from ...query.cost import priced
    from ...query.usage import summarize

    if args.otlp:
        return cmd_export_otlp(args)
    if len(args.id) != 1 or args.all or args.since or args.all_projects:
        raise CliError("export --format writes one session: give exactly one ID (--all, --since and --all-projects go with --otlp)", 2)
    from ...core.redact import Redactor

    data, decisions = load_session(runtime_or_none(args), args.id[0])
    redact = Redactor()  # today's rules, whatever rules the session was stored with
    data = {key: redact(value) if key in ("metadata", "activity_log") else value for key, value in data.items()}
    if args.format == "json":
        import json

        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        spent = priced(summarize(data["activity_log"]), pricer_in_scope(args))
        text = (markdown if args.format == "markdown" else html_report)(data, decisions, spent)
    write_output(text, args.output)
    return 0


def cmd_export_otlp(args) -> int:
    """Send sessions as OpenTelemetry traces: what the endpoint has not received yet (``--again``: all)."""
    from ...claude_session import format_timestamp
    from ...export import shipping
    from ...export.otlp import DeliveryError, MissingExporter, Sender
    from ...export.traces import Options

    if sum((bool(args.id), bool(args.since), args.all)) != 1:
        raise CliError("export --otlp: name the sessions: ID …, --since WHEN or --all", 2)
    if args.id and args.all_projects:
        raise CliError("export --otlp: session ids name sessions of this project; use --all or --since with --all-projects", 2)
    headers = {}
    for header in args.header:
        key, sep, value = header.partition("=")
        if not sep or not key.strip():
            raise CliError(f"--header {header!r}: use KEY=VALUE", 2)
        headers[key.strip()] = value
    since = format_timestamp(parse_since(args.since)) if args.since else None
    senders, total, sessions = {}, 0, 0
    try:
        for project in scope(args):
            otlp = shipping.project_otlp(project)
            target = shipping.target_for(otlp, args.endpoint, headers, args.timeout)
            options = Options.from_config(otlp)
            for switch in ("prompts", "responses", "tool_inputs", "tool_outputs"):
                if getattr(args, f"no_{switch}"):
                    setattr(options, switch, False)
            ids = [resolve_id(find_runtime_dir(os.path.join(project, ".claude", "runtime")), prefix)[0] for prefix in args.id] if args.id else None
            key = (target.endpoint, tuple(sorted(target.headers.items())), target.timeout)
            if key not in senders:
                senders[key] = Sender(target.endpoint, target.headers, target.timeout)
            outcome = shipping.ship(project, senders[key], target, options, ids, since, args.again, export_progress(project))
            total += outcome.spans
            sessions += outcome.sessions
    except MissingExporter as exc:
        raise CliError(str(exc)) from None
    except (DeliveryError, TimeoutError) as exc:
        raise CliError(f"{exc}; what was not delivered is sent by the next export") from None
    except OSError as exc:  # the shipment position could not be written: the next export sends again
        raise CliError(f"cannot record what was sent: {exc}") from None
    finally:
        for sender in senders.values():
            sender.close()
        if sys.stderr.isatty():
            print(file=sys.stderr)
    if not senders:
        print(f"nothing to send ({nothing_recorded('sessions', '')})")
        return 0
    where = ", ".join(sorted({key[0] for key in senders}))
    print(f"sent {plural(total, 'span')} of {plural(sessions, 'session')} to {where}" if total else f"nothing new to send to {where}")
    return 0


def export_progress(project: str):
    """A progress line on a terminal's stderr: sessions read of all, spans sent."""
    if not sys.stderr.isatty():
        return None

    def show(number: int, count: int, spans: int) -> None:
        print(f"\r{os.path.basename(project)}: {number}/{plural(count, 'session')}, {plural(spans, 'span')}", end="", file=sys.stderr, flush=True)

    return show
