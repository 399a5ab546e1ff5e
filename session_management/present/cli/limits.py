"""``limits``: the 5-hour and weekly limits (drawn by ``present/limits``)."""

from .common import every_project, from_index, pricer_in_scope, refresh_history
from .options import Option, command


@command("limits", "the 5-hour and weekly limits: used, reset, pace and forecast, past windows (or 5-hour blocks without a subscription)",
         Option("--json", action="store_true", help="print JSON"))
def cmd_limits(args) -> int:
    from ...core.fastos import data_home
    from ..limits import run

    def with_index(read):  # every project's records, as the views across projects read them
        refresh_history()
        projects = every_project()
        return from_index(projects, lambda index: read(index, projects)) if projects else read(None, [])

    return run(args, data_home(), with_index, pricer_in_scope(args))
