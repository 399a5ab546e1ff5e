"""The README and docs/ as a reader follows them: every link and anchor leads somewhere, every
command and option the CLI's help lists is documented, and the README's test command is CI's."""

import re
import subprocess
import sys
from pathlib import Path

from conftest import REPO

PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.S | re.M)
LINK = re.compile(r"!?\[(?:[^\]\[]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def prose(text: str) -> str:
    """The text a renderer reads links and headings from: fenced blocks and inline code left out."""
    return re.sub(r"`[^`\n]*`", "", FENCE.sub("", text))


def anchors(page: Path) -> set:
    """The anchors GitHub gives a page's headings: lower case, punctuation but - and _ dropped,
    spaces to hyphens, a repeated one numbered -1, -2 …"""
    seen, slugs = {}, set()
    for heading in re.findall(r"^#{1,6}\s+(.+?)\s*#*\s*$", FENCE.sub("", page.read_text()), re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        slugs.add(slug if count == 0 else f"{slug}-{count}")
    return slugs


def test_every_relative_link_and_anchor_in_the_readme_and_docs_resolves():
    """Each relative link in README.md and docs/*.md names a file or folder of the repository, and
    each #anchor a heading of the page it points to (GitHub's slug rules)."""
    broken = []
    for page in PAGES:
        for target in LINK.findall(prose(page.read_text())):
            if re.match(r"[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto:
                continue
            path, _, anchor = target.partition("#")
            linked = (page.parent / path).resolve() if path else page
            if not linked.exists():
                broken.append(f"{page.relative_to(REPO)}: {target} (no such file)")
            elif anchor and (linked.suffix != ".md" or anchor not in anchors(linked)):
                broken.append(f"{page.relative_to(REPO)}: {target} (no such heading)")
    assert broken == []


def help_text(*args: str) -> str:
    """What the installed `claude-sessions` entry point prints for --help."""
    script = Path(sys.executable).parent / "claude-sessions"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "session_management"]
    result = subprocess.run([*command, *args, "--help"], capture_output=True, text=True, timeout=60, check=True)
    return result.stdout


def usage_options(text: str) -> tuple:
    """The options (but -h) and the choices of each that a --help's usage lines list."""
    usage = text.split("\n\n", 1)[0]
    options = set(re.findall(r"(?<![\w-])(--?[A-Za-z][\w-]*)", usage)) - {"-h", "--help"}
    choices = {value for group in re.findall(r"\{([^}]*)\}", usage) for value in group.split(",")}
    return options, choices


def test_every_command_and_option_the_help_lists_is_in_the_docs():
    """Every command `claude-sessions --help` lists has its row in docs/commands.md naming every
    option (and every choice of one) its own --help lists, and a line in the README's table; the
    global options are in docs/commands.md too."""
    main = help_text()
    commands = re.findall(r"^    (\w[\w-]*)\s", main.split("positional arguments:", 1)[1].split("\noptions:", 1)[0], re.M)
    assert len(commands) > 15, main
    reference = (REPO / "docs" / "commands.md").read_text()
    readme = (REPO / "README.md").read_text()
    missing = [option for option in usage_options(main)[0] if option not in reference]
    for command in commands:
        rows = [line for line in reference.splitlines() if re.match(rf"\| `{command}[ `]", line)]
        if not rows:
            missing.append(command)
            continue
        options, choices = usage_options(help_text(command))
        missing += [f"{command} {option}" for option in sorted(options) if not re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", " ".join(rows))]
        missing += [f"{command} {value}" for value in sorted(choices) if value not in " ".join(rows)]
        if not re.search(rf"^\| `{command}[ `]", readme, re.M):
            missing.append(f"README: {command}")
    assert missing == []


def test_the_readme_is_a_front_door_and_its_test_command_is_what_ci_runs():
    """The README fits on a few screens, and the test command it gives is, exactly, the command
    .ci/run runs (after installing the tools the tests need)."""
    readme = (REPO / "README.md").read_text()
    assert len(readme.splitlines()) <= 250
    [test_command] = [line for block in re.findall(r"```bash\n(.*?)```", readme, re.S) for line in block.splitlines() if "pytest" in line]
    assert test_command in (REPO / ".ci" / "run").read_text().splitlines()


def test_the_readmes_headline_figures_are_ratios_on_the_performance_page():
    """The README's performance section gives three ratios, and each is a ratio a benchmark table
    in docs/performance.md holds, so a rewritten table cannot leave the README behind unnoticed."""
    readme = (REPO / "README.md").read_text()
    section = readme[readme.index("## Performance"):].split("\n## ", 1)[0]
    headlines = re.findall(r"\*\*(\d+\.\d\d)×\*\*", section)
    tables = "".join(re.findall(r"<!-- bench \d+: [^\n]*-->\n```\n(.*?)```", (REPO / "docs" / "performance.md").read_text(), re.S))
    assert len(headlines) == 3 and "docs/performance.md" in section
    assert [ratio for ratio in headlines if not re.search(rf" {re.escape(ratio)}x$", tables, re.M)] == []


FAMILY_TABLE = re.compile(r"(<!-- families: [^\n]*-->\n)(.*?)(<!-- /families -->)", re.S)


def family_table() -> str:
    """docs/secrets.md's table of credential families, one row per row of core/redact.py's
    FAMILIES and SERVICES: a family added there is a row here."""
    from session_management.core import redact

    def code(text: str) -> str:
        return "`" + text.replace("|", "\\|") + "`"

    rows = ["| family | found by | example shape |", "|---|---|---|"]
    rows += [f"| {name} | its prefix: {', '.join(map(code, prefixes))} | {code(example)} |" for name, prefixes, _, example in redact.FAMILIES]
    rows += [f"| {name} | a secret's name near {', '.join(map(code, words))} | {code(example)} |" for name, words, _, example in redact.SERVICES]
    return "\n".join(rows) + "\n"


def test_the_secrets_page_lists_every_credential_family_the_redactor_knows():
    """docs/secrets.md's family table is exactly FAMILIES and SERVICES, row for row (regenerate
    it with `python tests/test_docs.py`)."""
    [(_, table, _)] = FAMILY_TABLE.findall((REPO / "docs" / "secrets.md").read_text())
    assert table == family_table()


if __name__ == "__main__":  # rewrite the family table of docs/secrets.md from core/redact.py
    sys.path.insert(0, str(REPO))
    page = REPO / "docs" / "secrets.md"
    page.write_text(FAMILY_TABLE.sub(lambda match: match.group(1) + family_table() + match.group(3), page.read_text()))
