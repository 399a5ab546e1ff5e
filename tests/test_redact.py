"""Secret redaction: every family of the pattern table, in every context a session shows it, as
stored by the hooks; what must stay untouched; and the redactor's properties."""

import json
import random
import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, REPO
from session_management.capture import dispatch
from session_management.core.redact import FAMILIES, SERVICES, Redactor, crc32_tail_ok
from test_hooks import event, run_hook_process

sys.path.insert(0, str(REPO / "bench"))
from gitleaks_samples import generate  # noqa: E402  (the generator the benchmark draws gitleaks' samples with)

_rng = random.Random(27)
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def generated(pattern: str) -> str:
    """A random value of a family's own pattern."""
    return generate(pattern, _rng)


VALUES = {name: generated(pattern) for name, _, pattern, _ in FAMILIES}
# Families whose shape needs what stands around it (a lookaround): their bare value is a token like any other.
NEEDS_CONTEXT = {name for name, _, pattern, _ in FAMILIES if "(?<" in pattern or "(?=" in pattern}


def leaked(secret: str, stored: str) -> bool:
    """Whether a piece of the secret (12 characters, or half of a shorter one) is in what was stored."""
    width = min(12, max(4, len(secret) // 2))
    return any(secret[i:i + width] in stored for i in range(len(secret) - width + 1))


def stored(project) -> str:
    """Everything the hooks wrote for the project."""
    return "\n".join(p.read_text(errors="replace") for p in (project / ".claude" / "runtime").rglob("*") if p.is_file())


def record(project, family: str, value: str) -> None:
    """A value seen bare, in an export line, in a Bash tool's JSON output and in a sentence naming it."""
    service = family.split("-")[0]
    config = json.dumps({service: {"endpoint": f"https://api.{service}.example", "api_key": value}}, indent=2)
    bare = "" if family in NEEDS_CONTEXT else value
    env = {"CLAUDE_PROJECT_DIR": str(project)}
    dispatch.handle("UserPromptSubmit", json.dumps(event("UserPromptSubmit", prompt=f"My {service} API key is {value}, keep it safe")).encode(), env)
    dispatch.handle("PostToolUse", json.dumps(event("PostToolUse", tool_name="Bash", tool_input={"command": f"export {service.upper()}_KEY={value}"},
                                                    tool_response={"stdout": config, "stderr": bare})).encode(), env)


@pytest.mark.parametrize("family", sorted(VALUES))
def test_every_family_is_redacted_in_every_context(tmp_path, family):
    """A generated value of each family never reaches the disk: bare, exported, in JSON output, in a sentence."""
    value = VALUES[family]
    record(tmp_path, family, value)
    on_disk = stored(tmp_path)
    assert not leaked(value, on_disk.replace("\\n", "\n")), (family, value)
    assert "[REDACTED:" in on_disk


@pytest.mark.parametrize("family", sorted(set(VALUES) - NEEDS_CONTEXT))
def test_a_bare_value_is_named_by_its_family(family):
    """A value standing alone is replaced by ``[REDACTED:<family>]``, its family named."""
    out = Redactor()(f"got {VALUES[family]} back")
    assert out.startswith(f"got [REDACTED:{family}]") and not leaked(VALUES[family], out), out  # a key cut short runs to the end


def test_the_real_hook_redacts_a_value_of_every_family(tmp_path):
    """One event holding a value of every family, through the real hook process: none is stored."""
    lines = "\n".join(f"export {name.upper().replace('-', '_')}_KEY={value}" for name, value in VALUES.items())
    run_hook_process("PostToolUse", event("PostToolUse", tool_name="Bash", tool_input={"command": "env"}, tool_response={"stdout": lines}), tmp_path)
    on_disk = stored(tmp_path).replace("\\n", "\n")
    assert [name for name, value in VALUES.items() if leaked(value, on_disk)] == []


def test_gitleaks_secrets_in_context_are_redacted():
    """gitleaks' own true positives, in an export line, are redacted at least 95 % of the time."""
    rules = json.loads((FIXTURES / "gitleaks_samples.json").read_text())["rules"]
    secrets = [(rule_id, secret) for rule_id, rule in rules.items() for secret in rule["tps"]]
    redact = Redactor()
    missed = [rule_id for rule_id, secret in secrets if leaked(secret, redact(f"export {rule_id.split('-')[0].upper()}_KEY={secret}"))]
    assert len(missed) <= 0.05 * len(secrets), missed


def gitleaks_rule(rule_id: str) -> dict:
    """One rule's samples from the fixture drawn from gitleaks' rule sources: its true and false positives."""
    return json.loads((FIXTURES / "gitleaks_samples.json").read_text())["rules"][rule_id]


def test_gitleaks_false_positives_are_mostly_left_alone():
    """At most 10 % of gitleaks' own false-positive strings (238 over its rules) are changed at all."""
    rules = json.loads((FIXTURES / "gitleaks_samples.json").read_text())["rules"]
    strings = [fp for rule in rules.values() for fp in rule["fps"]]
    redact = Redactor()
    changed = [fp for fp in strings if redact(fp) != fp]
    assert len(changed) <= 0.10 * len(strings), changed


@pytest.mark.parametrize("rule_id", ["gcp-api-key", "grafana-cloud-api-token", "azure-ad-client-secret"])
def test_what_gitleaks_calls_a_false_positive_is_kept_and_its_secrets_still_removed(rule_id):
    """Firebase's published example keys, a key of one repeated character under a key's name
    (``apiKey: "AIzaaaa…"``, ``API_KEY="glc_1111…="``) and an Azure-like run inside a longer one
    are stored as they are, bare or named, while the rule's true positives are still removed."""
    rule, redact = gitleaks_rule(rule_id), Redactor()
    for text in rule["fps"]:
        assert redact(text) == text
    for secret in rule["tps"]:
        for text in (secret, f"export {rule_id.split('-')[0].upper()}_KEY={secret}", f'apiKey: "{secret}"'):
            assert not leaked(secret, redact(text)), text


def test_a_published_example_key_is_kept_under_any_name_but_a_drawn_one_is_not():
    """A Firebase SDK example key is kept in an env line, a sentence and a JSON config a tool
    printed; a key of the same shape drawn at random is removed from each."""
    published, drawn = "AIzaSyAnLA7NfeLquW1tJFpx_eQCxoX-oo6YyIs", VALUES["gcp-api-key"]
    redact = Redactor()
    for key in (published, drawn):
        texts = (key, f"export GOOGLE_API_KEY={key}", f"My Google API key is {key}.", json.dumps({"firebase": {"apiKey": key}}, indent=2))
        outs = [redact(text) for text in texts]
        assert all((key in out) == (key == published) for out in outs), outs


ORDINARY = [
    "def get(self, key, default=None):",
    "proxy_auth = base64.b64encode(proxy_passwd.encode()).decode('ascii')",
    "    authorization = base64.decodebytes(authorization)",
    'SPLIT_KEYS = ("ephemeral_5m_input_tokens", "ephemeral_1h_input_tokens")',
    "token = tokenize.generate_tokens(readline)",
    "git commit -m 'Rotate the session key handling' && git push origin main",
    "The token count is 5 and max_tokens: 1000.",
    "curl -u $USER:$PASSWORD https://example.com",
    "postgres://${DB_USER}:${DB_PASSWORD}@db:5432/app",
    "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_is_kept(tmp_path, text):
    """Code, commands and placeholders near a secret's name are stored exactly as sent."""
    dispatch.handle("UserPromptSubmit", json.dumps(event("UserPromptSubmit", prompt=text)).encode(), {"CLAUDE_PROJECT_DIR": str(tmp_path)})
    from test_hooks import session

    assert [e["details"]["prompt"] for e in session(tmp_path).activity_log] == [text]


@pytest.mark.parametrize("placeholder", ["AKIAIOSFODNN7EXAMPLE", "ghp_" + "x" * 36, "sk-ant-api03-" + "Q" * 95])
def test_placeholders_may_go_either_way_but_never_break_the_record(tmp_path, placeholder):
    """A documented placeholder is stored either as sent or redacted, in a valid record."""
    dispatch.handle("UserPromptSubmit", json.dumps(event("UserPromptSubmit", prompt=f"key: {placeholder}")).encode(), {"CLAUDE_PROJECT_DIR": str(tmp_path)})
    from test_hooks import session

    [entry] = session(tmp_path).activity_log
    assert entry["details"]["prompt"] in (f"key: {placeholder}",) or entry["details"]["prompt"].startswith("key: [REDACTED:")


def test_multi_line_keys_are_removed_whole():
    """A PEM, PGP or PuTTY private key leaves no line of its body behind."""
    body = "\n".join(generated("[A-Za-z0-9+/]{64}") for _ in range(6))
    for text in (f"-----BEGIN OPENSSH PRIVATE KEY-----\n{body}\n-----END OPENSSH PRIVATE KEY-----",
                 f"-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n{body}\n=8xQN\n-----END PGP PRIVATE KEY BLOCK-----",
                 f"PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nPrivate-Lines: 1\n{body}\nPrivate-MAC: {'ab12' * 16}"):
        out = Redactor()(f"cat id\n{text}\ndone")
        assert all(line not in out for line in body.splitlines()) and out.endswith("\ndone"), out


def test_a_family_can_be_turned_off_and_patterns_added(tmp_path):
    """The project's YAML turns a family off (its fake keys kept) and adds a pattern of its own."""
    (tmp_path / ".claude").mkdir()
    (tmp_path / ".claude" / "session-tracking.yaml").write_text("redact_off: [stripe-key]\nredact_patterns: ['ACME-[0-9]{6}']\n")
    stripe, github = VALUES["stripe-key"], VALUES["github-token"]
    dispatch.handle("UserPromptSubmit", json.dumps(event("UserPromptSubmit", prompt=f"{stripe} ACME-123456 {github}")).encode(), {"CLAUDE_PROJECT_DIR": str(tmp_path)})
    from test_hooks import session

    [entry] = session(tmp_path).activity_log
    assert entry["details"]["prompt"] == f"{stripe} [REDACTED:custom] [REDACTED:github-token]"


def test_a_short_string_remembered_is_redacted_every_time():
    """A redactor remembers short strings with their redacted text: the same string redacted
    again (a branch on every line, a command run twice) comes out the same, secret or not, and a
    redactor with other rules remembers its own verdicts."""
    stripe = VALUES["stripe-key"]
    redactor, custom = Redactor(), Redactor(extra_patterns=["ACME-[0-9]{6}"], off=["stripe-key"])
    for _ in range(2):
        assert redactor(["main", f"key {stripe}", "ACME-123456"]) == ["main", "key [REDACTED:stripe-key]", "ACME-123456"]
        assert custom(["main", "ACME-123456"]) == ["main", "[REDACTED:custom]"]
        assert stripe in custom(stripe)
    long_text = f"{'x' * 120} {stripe}"
    assert redactor(long_text) == redactor(long_text) == f"{'x' * 120} [REDACTED:stripe-key]"


def test_github_and_npm_tokens_carry_a_checksum():
    """A token whose CRC32 tail is right is recognised as real, one digit off is not."""
    import zlib

    body = "".join(_rng.choice(_ALPHABET) for _ in range(30))
    value, tail = zlib.crc32(body.encode()), ""
    for _ in range(6):
        value, digit = divmod(value, 62)
        tail = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"[digit] + tail
    assert crc32_tail_ok(f"ghp_{body}{tail}") and crc32_tail_ok(f"npm_{body}{tail}")
    assert not crc32_tail_ok(f"ghp_{body}{tail[:-1]}{'0' if tail[-1] != '0' else '1'}")


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text() | st.sampled_from(list(VALUES.values()) + ORDINARY),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12) | st.sampled_from(["api_key", "token", "password"]), children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(_json_values, st.lists(st.sampled_from([v for name, v in VALUES.items() if name not in NEEDS_CONTEXT]), max_size=3))
def test_redaction_is_idempotent_valid_json_and_never_longer_in_secrets(value, secrets):
    """Redacting twice changes nothing more, the result is always valid JSON, and no secret-bearing
    string comes out holding more of a secret than went in."""
    redact = Redactor()
    value = [value, " ".join(secrets)]
    once = redact(value)
    assert redact(once) == once
    assert json.loads(json.dumps(once)) == once
    for secret in secrets:
        assert not leaked(secret, json.dumps(once))


def test_the_replacement_is_never_a_longer_secret():
    """Every family's value is replaced by a marker that holds none of it."""
    for name, value in VALUES.items():
        out = Redactor()(f"export X_KEY={value}")
        assert not re.search(re.escape(value[-8:]), out), (name, out)


def seeded_store(tmp_path):
    """A project recorded, and a history imported, while the rules let secrets through (``redact: false``
    stands for an older rule set), then set back to the defaults."""
    from session_management.store import catalog, history

    project = tmp_path / "proj"
    (project / ".claude").mkdir(parents=True)
    (project / ".claude" / "session-tracking.yaml").write_text("redact: false\n")
    env = {"CLAUDE_PROJECT_DIR": str(project)}
    dispatch.handle("SessionStart", json.dumps(event("SessionStart", source="startup")).encode(), env)
    dispatch.handle("UserPromptSubmit", json.dumps(event("UserPromptSubmit", prompt=f"deploy with {VALUES['gitlab-token']} now")).encode(), env)
    dispatch.handle("PostToolUse", json.dumps(event("PostToolUse", tool_name="Bash", tool_input={"command": "env"},
                                                    tool_response={"stdout": f"NPM_TOKEN={VALUES['npm-token']}\nHOME=/home/me\n"})).encode(), env)
    (project / ".claude" / "session-tracking.yaml").unlink()
    folder = Path(history.project_folder(catalog.home(), "/old/project"))
    (folder / "sessions").mkdir(parents=True)
    (folder / "project.json").write_text(json.dumps({"path": "/old/project"}))
    imported = {"session_id": "imp-1", "created_at": "2026-01-02T03:04:05.000Z", "last_activity": "2026-01-02T03:04:05.000Z", "status": "completed",
                "timeout_seconds": 3600, "metadata": {"imported": {"from": "claude-code-transcript"}},
                "activity_log": [{"action": "user_prompt", "timestamp": "2026-01-02T03:04:05.000Z", "details": {"prompt": f"my key {VALUES['stripe-key']}"}}]}
    (folder / "sessions" / "session_imp-1.json").write_text(json.dumps(imported, indent=2))
    return project, folder


def test_redact_rewrites_what_an_older_rule_set_let_through(tmp_path, monkeypatch, capsys):
    """``claude-sessions redact --check`` finds the secrets stored under older rules, ``redact``
    rewrites those files with everything else kept, and ``doctor`` stops saying the data predates the rules."""
    from session_management.present import cli
    from test_hooks import session

    project, folder = seeded_store(tmp_path)
    secrets = [VALUES["gitlab-token"], VALUES["npm-token"], VALUES["stripe-key"]]
    everything = lambda: stored(project) + "".join(p.read_text() for p in folder.rglob("*.json"))  # noqa: E731
    assert all(secret in everything() for secret in secrets)
    monkeypatch.chdir(project)
    cli.main(["doctor"])
    assert "predates the current redaction rules" in capsys.readouterr().out
    before = session(project).activity_log
    assert cli.main(["redact", "--check"]) == 1
    assert "would redact" in capsys.readouterr().out and all(secret in everything() for secret in secrets)
    assert cli.main(["redact"]) == 0
    assert not any(leaked(secret, everything()) for secret in secrets)
    after = session(project).activity_log
    assert [e["action"] for e in after] == [e["action"] for e in before]
    assert after[1]["details"]["prompt"] == "deploy with [REDACTED:gitlab-token] now"
    assert "HOME=/home/me" in after[2]["details"]["tool_response"]["stdout"]
    assert cli.main(["redact", "--check"]) == 0
    capsys.readouterr()
    cli.main(["doctor"])
    assert "stored data redacted with the current rules" in capsys.readouterr().out


SERVICE_VALUES = {family: generated(shape) for family, _, shape, _ in SERVICES}


@pytest.mark.parametrize("family", sorted(SERVICE_VALUES))
def test_a_service_named_beside_its_secret_names_the_redaction(family):
    """A value with no shape of its own, under a name or after words naming its service, becomes
    ``[REDACTED:<that service's family>]``."""
    words = next(words for name, words, _, _ in SERVICES if name == family)
    value = SERVICE_VALUES[family]
    redact = Redactor()
    for text in (f"export {words[0].upper()}_API_KEY={value}", f"My {words[0]} token is {value}, keep it safe"):
        out = redact(text)
        assert not leaked(value, out) and f"[REDACTED:{family}]" in out, out
