"""Constants the plugin's tests share (imported as ``plugin_support``; conftest modules are not
importable reliably: several share the name ``conftest``)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "spec" / "vapi-phone-numbers.yaml"
FIXES = REPO / "spec" / "overlays" / "vapi-fixes.yaml"
TOKEN_A = "plugin-test-token-org-a-5d1e"
TOKEN_B = "plugin-test-token-org-b-0c77"
SPEC_ARGS = (f"--contract-spec={SEED}", f"--contract-overlay={FIXES}")
