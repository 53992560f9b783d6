"""The contract model: load a spec, look up operations, DTOs and their JSON Schemas."""

from __future__ import annotations

from contracttest.openapi.convert import Variant, VariantTable
from contracttest.openapi.loader import load_spec
from contracttest.openapi.model import MediaType, Operation, Parameter, ResponseSpec, Spec, Target

__all__ = [
    "MediaType",
    "Operation",
    "Parameter",
    "ResponseSpec",
    "Spec",
    "Target",
    "Variant",
    "VariantTable",
    "load_spec",
]
