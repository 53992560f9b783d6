"""What the mock answers to a create whose request allows values its answers cannot hold."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import yaml

from contracttest.openapi import load_spec
from contracttest.validate import get_validator

TOKEN = "shape-token"
ANSWER = {
    "type": "object",
    "required": ["id", "plan"],
    "properties": {"id": {"type": "string"}, "plan": {"$ref": "#/components/schemas/PlanOut"}},
}
SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "subscriptions", "version": "1"},
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "PlanIn": {
                "type": "object",
                "required": ["frequency"],
                "properties": {
                    "frequency": {
                        "type": "object",
                        "required": ["interval", "periodicity"],
                        "properties": {
                            "interval": {"type": "integer"},
                            "periodicity": {"type": "string", "nullable": True},
                        },
                    },
                    "validity": {
                        "type": "object",
                        "properties": {"end": {"type": "string", "nullable": True}},
                    },
                },
            },
            "PlanOut": {
                "type": "object",
                "required": ["frequency", "validity"],
                "properties": {
                    "frequency": {
                        "type": "object",
                        "required": ["interval", "periodicity"],
                        "properties": {
                            "interval": {"type": "integer"},
                            "periodicity": {"type": "string", "nullable": True},
                        },
                    },
                    "validity": {
                        "type": "object",
                        "properties": {"end": {"type": "string", "format": "date-time"}},
                    },
                },
            },
        },
    },
    "security": [{"bearer": []}],
    "paths": {
        "/subscriptions": {
            "post": {
                "operationId": "create",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["plan"],
                                "properties": {"plan": {"$ref": "#/components/schemas/PlanIn"}},
                            }
                        }
                    },
                },
                "responses": {
                    "201": {
                        "description": "created",
                        "content": {"application/json": {"schema": ANSWER}},
                    }
                },
            }
        },
        "/subscriptions/{id}": {
            "get": {
                "operationId": "read",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {
                        "description": "the subscription",
                        "content": {"application/json": {"schema": ANSWER}},
                    }
                },
            }
        },
    },
}


def test_a_create_answers_as_sent_all_but_the_member_off_its_format(
    tmp_path: Path, make_app: Callable[..., Any], make_client: Callable[..., httpx.Client]
) -> None:
    # vtex Subscriptions: `plan.validity.end` is any string in, a date-time out; the mock replaced
    # the whole `plan` with a minimal one, so the sent frequency did not come back
    path = tmp_path / "subscriptions.yaml"
    path.write_text(yaml.safe_dump(SPEC))
    spec = load_spec(path, cache=False)
    client = make_client(make_app(spec, tokens=[TOKEN], check_responses=True), TOKEN)
    sent = {"plan": {"frequency": {"interval": 27, "periodicity": None}, "validity": {"end": "K"}}}
    r = client.post("/subscriptions", json=sent)
    assert r.status_code == 201, r.text
    body = r.json()
    assert get_validator(spec, "create:response:201").is_valid(body), body
    assert body["plan"]["frequency"] == {"interval": 27, "periodicity": None}
    assert body["plan"]["validity"]["end"] != "K"
    r = client.get(f"/subscriptions/{body['id']}")
    assert r.status_code == 200, r.text
    assert r.json()["plan"]["frequency"] == {"interval": 27, "periodicity": None}
