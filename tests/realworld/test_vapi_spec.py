"""The full Vapi spec (../shared/vapi/openapi.json) as a real-world workload for the loader.

The slow tests compile every one of the 981 component schemas in both directions; the default suite runs
a deterministic slice of them (every 40th schema) so a regression shows up without the long run.
"""

from __future__ import annotations

import jsonschema
import pytest

from contracttest.openapi import Spec, load_spec


def _compile_all(spec: Spec, names: list[str]) -> list[str]:
    failures = []
    for name in names:
        for direction in ("request", "response"):
            schema = spec.dto(name, direction).schema()
            try:
                cls = jsonschema.validators.validator_for(schema)
                cls.check_schema(schema)
                cls(schema).is_valid({})
            except Exception as exc:  # the test reports every failure
                failures.append(f"{name} ({direction}): {type(exc).__name__}: {exc}")
    return failures


def test_full_spec_loads_leniently_with_its_defects_as_diagnostics(vapi_spec: Spec) -> None:
    assert len(vapi_spec.dto_names) == 981
    assert len({op.path for op in vapi_spec.operations}) == 69
    rules = {d.rule for d in vapi_spec.diagnostics}
    # the real spec is known to break OpenAPI 3.0 (examples in Schema Objects, undeclared path params)
    assert "oas.structure" in rules
    assert "oas.path-parameter-undeclared" in rules


def test_strict_mode_refuses_the_full_spec(vapi_spec_path) -> None:  # type: ignore[no-untyped-def]
    from contracttest.errors import SpecError

    with pytest.raises(SpecError, match=r"error\(s\) in the spec \(--strict\)"):
        load_spec(vapi_spec_path, strict=True, cache=False)


def test_a_slice_of_component_schemas_compiles(vapi_spec: Spec) -> None:
    names = sorted(vapi_spec.dto_names)[::40]
    assert _compile_all(vapi_spec, names) == []


@pytest.mark.slow
def test_every_component_schema_compiles_to_standalone_json_schema(vapi_spec: Spec) -> None:
    assert _compile_all(vapi_spec, sorted(vapi_spec.dto_names)) == []


@pytest.mark.slow
def test_every_operation_target_compiles(vapi_spec: Spec) -> None:
    failures = []
    for target in vapi_spec.iter_targets():
        schema = target.schema()
        try:
            jsonschema.validators.validator_for(schema).check_schema(schema)
        except jsonschema.SchemaError as exc:
            failures.append(f"{target.key}: {exc.message}")
    assert failures == []


def test_46_explicit_discriminators_become_variant_tables(vapi_spec: Spec) -> None:
    tables = [t for t in vapi_spec.variant_tables() if not t.inferred]
    assert len(tables) == 46
    assert all(t.variants for t in tables)
