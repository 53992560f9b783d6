"""A failure's response snapshot keeps what shows the problem, not every item of a long list."""

from __future__ import annotations

from contracttest.runner.results import LIST_LIMIT, _trim


def test_long_arrays_are_cut_with_a_note_at_any_depth() -> None:
    body = {"items": [{"id": i, "tags": list(range(50))} for i in range(500)], "total": 500}
    trimmed = _trim(body)
    items = trimmed["items"]
    assert len(items) == LIST_LIMIT + 1
    assert items[-1] == f"[{500 - LIST_LIMIT} more items not kept in the report]"
    assert items[0]["tags"][-1] == f"[{50 - LIST_LIMIT} more items not kept in the report]"
    assert trimmed["total"] == 500
    assert body["items"][0]["tags"] == list(range(50))  # the response itself is untouched


def test_short_values_and_deep_nesting_are_kept() -> None:
    assert _trim([1, 2, 3]) == [1, 2, 3]
    deep: object = "leaf"
    for _ in range(600):
        deep = [deep]
    assert _trim(deep) == deep  # no RecursionError; past 200 levels the value is kept as it is
