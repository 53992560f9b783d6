"""The fast path and the detailed path agree on generated payloads, valid and labelled invalid."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracttest.findings import Severity
from contracttest.validate import Validator, get_validator

TARGETS = [
    "POST /phone-number",
    "PATCH /phone-number/{id}",
    "CreateByoPhoneNumberDTO",
    "PhoneNumberController_findOne:response",
]


def _check(spec: Any, target: str, payload: Any) -> list[Any]:
    fast = get_validator(spec, target)
    slow = Validator(spec, spec.target(target), use_fast_path=False)
    assert fast.fast
    found = fast.findings(payload)
    assert slow.findings(payload) == found
    verdict = not any(f.severity >= Severity.ERROR for f in found)
    assert fast.is_valid(payload) is verdict
    assert slow.is_valid(payload) is verdict
    return found


@pytest.mark.parametrize("target", TARGETS)
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_generated_valid_payloads(fixed_spec: Any, target: str, data: st.DataObject) -> None:
    from contracttest.generate import generator_for

    payload = data.draw(generator_for(fixed_spec).valid(target))
    found = _check(fixed_spec, target, payload)
    assert not [f for f in found if f.severity >= Severity.ERROR], found


@pytest.mark.parametrize("target", TARGETS[:3])
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_generated_invalid_payloads(fixed_spec: Any, target: str, data: st.DataObject) -> None:
    from contracttest.generate import generator_for

    invalid = data.draw(generator_for(fixed_spec).invalid(target))
    _check(fixed_spec, target, invalid.payload)
