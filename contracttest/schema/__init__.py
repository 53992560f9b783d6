"""JSON Schema helpers that do not depend on the spec model (ECMA-262 ``pattern`` translation)."""
