"""The rule ids the linter reports, with the one-line descriptions SARIF and ``--format json`` show.

The linter's own rules (files it cannot read, YAML 1.1 traps, targeting) are defined here. Payload rules
come from the validation engine (`contracttest.validate`): semantic rules are described by its rule
registry (user rules included), the discriminator findings here, so a SARIF run carries a description for
every rule it reports. An id nobody described still gets a
generic description (never a missing rule entry), so a rule added to the engine later cannot break SARIF.
"""

from __future__ import annotations

from dataclasses import dataclass

from contracttest.findings import Severity

__all__ = ["LINT_RULES", "RuleInfo", "describe"]


@dataclass(frozen=True)
class RuleInfo:
    id: str
    summary: str
    default: Severity
    help: str = ""


def _r(rule: str, summary: str, default: Severity = Severity.ERROR, help: str = "") -> RuleInfo:
    return RuleInfo(rule, summary, default, help)


LINT_RULES: dict[str, RuleInfo] = {
    r.id: r
    for r in (
        _r(
            "file.unreadable",
            "The file cannot be opened or read.",
            help="Check that the path exists, is a regular file and is readable.",
        ),
        _r(
            "file.binary",
            "The file is binary, not a JSON or YAML text.",
            help="Payload files are UTF-8 JSON or YAML; remove binary files from the linted set.",
        ),
        _r(
            "file.encoding",
            "The file is not valid UTF-8 text.",
            help="Re-save the file as UTF-8 (JSON requires it: RFC 8259 section 8.1).",
        ),
        _r("file.empty", "The file holds no document.", help="Remove the file or add the payload."),
        _r(
            "file.too-large",
            "The file is larger than the size cap and was not read.",
            help="Raise the cap with --max-file-size if the payload really is that large.",
        ),
        _r(
            "file.syntax",
            "The file is not valid JSON or YAML.",
            help="Fix the syntax error at the reported line and column.",
        ),
        _r(
            "yaml.bool-key",
            "An unquoted YAML key that YAML 1.1 tools read as a boolean (on, off, yes, no, y, n).",
            Severity.WARNING,
            help=(
                'contracttest reads YAML with 1.2 semantics, so `on:` is the string "on", as in '
                "JSON. YAML 1.1 readers (PyYAML, Go yaml.v2, yq 3, Ruby Psych) turn it into the "
                'boolean true, and the payload they send has a key `true`. Quote the key: `"on":`.'
            ),
        ),
        _r(
            "yaml.bool-value",
            "An unquoted YAML value that YAML 1.1 tools read as a boolean (on, off, yes, no, y, n).",
            Severity.WARNING,
            help=(
                "YAML 1.2 (contracttest, JSON) reads it as a string, YAML 1.1 tools as a boolean. "
                "Quote it if a string is meant, write true/false if a boolean is."
            ),
        ),
        _r(
            "yaml.number-value",
            "An unquoted YAML number that YAML 1.1 tools read differently (0123, +00..., 1_000, "
            "1:20, 0b101, 0o17, 1e3).",
            Severity.WARNING,
            help=(
                "contracttest reads YAML with 1.2 semantics, as JSON would: 0123 is 123, "
                "+001234567890 is a number, 1_000 and 1:20 are text. YAML 1.1 readers (PyYAML, Go "
                "yaml.v2, yq 3, Ruby Psych) read 0123 as octal 83, +001234567890 as text, 1_000 as "
                "1000 and 1:20 as 80 (base 60), so the payload they send differs. Quote it if text "
                "is meant (a phone number), or write the number as a plain decimal."
            ),
        ),
        _r(
            "lint.no-target",
            "No DTO or operation to check the file against could be found.",
            help=(
                "Name the target with --target, a glob in [tool.contracttest.lint.targets] of "
                'pyproject.toml, or a "$contract": "METHOD /path" key in the file.'
            ),
        ),
        _r(
            "lint.contract-invalid",
            'The file\'s "$contract" key does not name a DTO or operation of the spec.',
            help='"$contract" takes a target string: a DTO name, an operationId or "METHOD /path".',
        ),
        _r(
            "lint.target-ambiguous",
            "Several targets fit the payload equally well; the first one was used (a warning "
            "when the payload has errors, else information).",
            Severity.WARNING,
            help='Name the target with "$contract", a pyproject glob, or --target.',
        ),
        _r(
            "lint.target-conflict",
            'The file\'s "$contract" names another target than the one it was checked against.',
            Severity.WARNING,
            help='--target and pyproject globs win over "$contract"; make them agree.',
        ),
    )
}

# Engine findings that are not registered rules (the registry describes the semantic rules).
_ENGINE_RULES: dict[str, RuleInfo] = {
    r.id: r
    for r in (
        _r("discriminator.missing", "The discriminator property (e.g. provider) is missing."),
        _r("discriminator.unknown", "The discriminator property has a value no variant maps."),
    )
}


def describe(rule: str) -> RuleInfo:
    """The description of ``rule`` (a generic one for ids nobody described)."""
    info = LINT_RULES.get(rule) or _ENGINE_RULES.get(rule)
    if info is not None:
        return info
    from contracttest.validate.rules import registered_rules

    registered = registered_rules().get(rule)
    if registered is not None:
        summary = registered.description.rstrip(".") + "."
        return _r(rule, summary[:1].upper() + summary[1:], registered.severity)
    family, _, name = rule.partition(".")
    if family == "schema" and name:
        return _r(rule, f"The payload breaks the JSON Schema keyword `{name}` of its target.")
    return _r(rule, f"Contract rule {rule}.")
