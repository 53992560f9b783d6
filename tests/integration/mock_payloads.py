"""Request bodies and tokens the mock's integration tests share (imported as ``mock_payloads``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
_SPEC = REPO / "spec" / "vapi-phone-numbers.yaml"
SEED = (
    _SPEC
    if _SPEC.is_file()
    else REPO.parent / "shared" / "seeds" / "vapi-phone-numbers.openapi.yaml"
)
OVERLAY = REPO / "spec" / "overlays" / "vapi-fixes.yaml"

TOKEN_A = "tok-org-a-7f3c"
TOKEN_B = "tok-org-b-91d2"

# One valid create body per provider (the seed spec with the fixes overlay).
CREATE_BODIES: dict[str, dict[str, Any]] = {
    "byo-phone-number": {
        "provider": "byo-phone-number",
        "number": "+14155550100",
        "credentialId": "cred-byo-1",
        "name": "Front desk",
        "fallbackDestination": {"type": "number", "number": "+14155550199"},
    },
    "twilio": {
        "provider": "twilio",
        "number": "+14155550101",
        "twilioAccountSid": "AC0123456789",
        "twilioAuthToken": "twilio-secret-token",
        "name": "Sales",
    },
    "vonage": {"provider": "vonage", "number": "+14155550102", "credentialId": "cred-von-1"},
    "vapi": {"provider": "vapi", "numberDesiredAreaCode": "415", "name": "Support"},
    "telnyx": {"provider": "telnyx", "number": "+14155550103", "credentialId": "cred-tel-1"},
}
PROVIDERS = sorted(CREATE_BODIES)
