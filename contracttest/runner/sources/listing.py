"""List checks: ``limit`` and pagination metadata add up, pages neither repeat nor skip items,
filters (date ranges, search, equality) and sort order are honoured."""

from __future__ import annotations

import math
import operator
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from contracttest.findings import truncate_value
from contracttest.runner.fixtures import Instance, discriminator_property, resource_id
from contracttest.runner.registry import scenario_check
from contracttest.runner.sources.scenario import (
    MAX_PAGES,
    Scenario,
    StepGen,
    ensure_population,
    fetch_all,
    ids,
    instant,
    limit_param,
    max_limit,
    meta_number,
    page_items,
    page_param,
    page_shape,
    same,
    show,
    unpinned_filters,
)
from contracttest.runner.verdicts import Failed, Skipped

if TYPE_CHECKING:
    from contracttest.openapi.model import Operation
    from contracttest.openapi.resources import Resource
    from contracttest.runner.case import Case
    from contracttest.runner.context import SourceContext
    from contracttest.runner.http import Exchange

__all__ = ["filters", "pagination"]


@scenario_check(
    "stateful.pagination",
    title="limit and pagination add up",
    short="pagination",
    description="Lists return min(limit, total) items; pagination metadata (totals, pages, "
    "hasNextPage, current page, items per page) is consistent, and pages neither repeat nor skip "
    "items.",
    over="list",
)
def pagination(ctx: SourceContext, res: Resource, op: Operation) -> StepGen:
    sc = Scenario(ctx, "stateful.pagination")
    lim = limit_param(op)
    if lim is None:
        yield Skipped(op, sc.check, "the operation has no limit parameter")
        return
    if op.secured and not ctx.scope.credentials:
        yield Skipped(op, sc.check, "no credentials (pass --token)")
        return
    if not ctx.scope.read_only:
        ensure_population(ctx, res, 5)
    case, ex, all_items, meta = yield from fetch_all(sc, op)
    if ex is None:
        return
    if ex.status in (404, 410) and ctx.fixtures.drawn_parents(op):
        # Under a parent the run could not create, the path names something that may not exist.
        yield Skipped(
            op,
            sc.check,
            f"no parent to list under: {op.method} {op.path} answered {ex.status} for path "
            "values drawn from the parameters' schemas",
        )
        return
    shape = page_shape(ctx, op, ex.status) if 200 <= ex.status < 300 else None
    if all_items is None and shape is not None and shape.kind == "none":
        # The spec's own answer is one object (openchannel's ``GET /files`` documents a File):
        # a defect of the spec, not of a server that answers what it documents.
        what = f" ({shape.schema})" if shape.schema else ""
        yield Skipped(
            op,
            sc.check,
            f"the spec documents one object{what} as the {ex.status} answer of this list, "
            "no array of items: a spec defect, nothing to page through",
        )
        return
    if all_items is None:
        yield sc.fail(
            case,
            ex,
            "pagination.no-items",
            f"listing answered {ex.status} without an array of items",
            expected="2xx with items",
            actual=str(ex.status),
        )
        return
    cap = max_limit(ctx, op, lim)
    total = len(all_items)
    complete = total < cap
    if len(all_items) > cap:
        yield sc.fail(
            case,
            ex,
            "pagination.limit-ignored",
            f"{lim}={cap} returned {len(all_items)} items",
            pointer="",
            expected=f"at most {cap}",
            actual=str(len(all_items)),
        )
        return
    yield sc.ok(op)
    all_ids = ids(all_items, res)
    if len(set(all_ids)) != len(all_ids):
        yield sc.fail(
            case,
            ex,
            "pagination.duplicates",
            "the list repeats items",
            expected="each id once",
            actual=f"{len(all_ids) - len(set(all_ids))} duplicate(s)",
        )
    if meta is not None and complete:
        yield from _meta_totals(sc, case, ex, meta, total, cap, 1)
    for n in (1, 2):
        case, ex = yield from sc.step(op, query=((lim, n),), description=f"{lim}={n}")
        if ex is None or not 200 <= ex.status < 300:
            if ex is not None:
                yield sc.fail(
                    case,
                    ex,
                    "pagination.limit-failed",
                    f"{lim}={n} answered {ex.status}",
                    expected="2xx",
                    actual=str(ex.status),
                )
            continue
        items, _pmeta = page_items(ctx, op, ex)
        if items is None:
            continue
        want = min(n, total) if complete else n
        if len(items) > n:
            yield sc.fail(
                case,
                ex,
                "pagination.limit-ignored",
                f"{lim}={n} returned {len(items)} items",
                expected=f"at most {n}",
                actual=str(len(items)),
            )
        elif len(items) != want:
            yield sc.fail(
                case,
                ex,
                "pagination.limit-short",
                f"{lim}={n} returned {len(items)} items although {total} exist",
                expected=str(want),
                actual=str(len(items)),
            )
        else:
            yield sc.ok(op)
    page = page_param(op)
    if page is not None and meta is not None:
        yield from _pages(
            sc,
            res,
            op,
            lim,
            page,
            all_ids if complete else None,
            total if complete else None,
        )


def _meta_totals(
    sc: Scenario, case: Case, ex: Exchange, meta: dict[str, Any], total: int, limit: int, page: int
) -> Iterator[Failed]:
    checks = (
        (("totalItems", "total", "totalCount", "total_items", "count"), total, "total items"),
        (("itemsPerPage", "limit", "pageSize", "perPage", "per_page"), limit, "items per page"),
        (("currentPage", "page", "pageNumber"), page, "current page"),
    )
    for names, want, label in checks:
        got = meta_number(meta, *names)
        if got is None:
            continue
        if not same(got, want):
            key = next(n for n in names if n in meta)
            yield sc.fail(
                case,
                ex,
                "pagination.metadata",
                f"metadata.{key} is {got!r}, but {label} is {want}",
                pointer=f"/metadata/{key}",
                expected=str(want),
                actual=truncate_value(got),
            )
    pages_total = math.ceil(total / limit) if limit > 0 else 0
    tp = meta_number(meta, "totalPages", "total_pages", "pageCount", "pages")
    if tp is not None and not same(tp, pages_total):
        yield sc.fail(
            case,
            ex,
            "pagination.metadata",
            f"metadata.totalPages is {tp!r} for {total} items at {limit} per page",
            pointer="/metadata/totalPages",
            expected=str(pages_total),
            actual=truncate_value(tp),
        )
    hn = meta_number(meta, "hasNextPage", "has_next_page", "hasMore", "has_more")
    if hn is not None and hn is not (page < pages_total):
        yield sc.fail(
            case,
            ex,
            "pagination.metadata",
            f"metadata.hasNextPage is {hn!r} on page {page} of {pages_total}",
            pointer="/metadata/hasNextPage",
            expected=str(page < pages_total).lower(),
            actual=truncate_value(hn),
        )


def _pages(
    sc: Scenario,
    res: Resource,
    op: Operation,
    lim: str,
    page_name: str,
    all_ids: list[str] | None,
    total: int | None,
) -> StepGen:
    size = 2
    seen: list[str] = []
    reported_total: Any = None
    page = 1
    last_page = None
    while page <= MAX_PAGES:
        case, ex = yield from sc.step(
            op, query=((lim, size), (page_name, page)), description=f"page {page} of {size}"
        )
        if ex is None:
            return
        if not 200 <= ex.status < 300:
            yield sc.fail(
                case,
                ex,
                "pagination.page-failed",
                f"page {page} answered {ex.status}",
                expected="2xx",
                actual=str(ex.status),
            )
            return
        items, meta = page_items(sc.ctx, op, ex)
        if items is None:
            return
        page_ids = ids(items, res)
        t = meta_number(meta or {}, "totalItems", "total", "totalCount", "total_items")
        if reported_total is None:
            reported_total = t
        elif t is not None and not same(t, reported_total):
            yield sc.fail(
                case,
                ex,
                "pagination.metadata",
                f"totalItems changed between pages ({reported_total} then {t})",
                pointer="/metadata/totalItems",
                expected=str(reported_total),
                actual=str(t),
            )
        effective_total = (
            total
            if total is not None
            else (int(t) if isinstance(t, (int, float)) and not isinstance(t, bool) else None)
        )
        if effective_total is not None:
            want = max(0, min(size, effective_total - (page - 1) * size))
            if len(items) != want:
                yield sc.fail(
                    case,
                    ex,
                    "pagination.page-size",
                    f"page {page} ({lim}={size}) has {len(items)} items; with {effective_total} items it should have {want}",
                    expected=str(want),
                    actual=str(len(items)),
                )
            else:
                yield sc.ok(op)
            if meta is not None:
                yield from _meta_totals(sc, case, ex, meta, effective_total, size, page)
            last_page = math.ceil(effective_total / size) if size else 0
        dup = [i for i in page_ids if i in seen]
        if dup:
            yield sc.fail(
                case,
                ex,
                "pagination.overlap",
                f"page {page} repeats {len(dup)} item(s) of earlier pages",
                expected="no item on two pages",
                actual=", ".join(dup[:3]),
            )
        seen.extend(i for i in page_ids if i not in seen)
        if not items or (last_page is not None and page >= last_page):
            break
        page += 1
    if all_ids is not None and (last_page is None or last_page <= MAX_PAGES):
        missing = [i for i in all_ids if i not in seen]
        if missing:
            yield sc.fail(
                case,
                ex,
                "pagination.skipped",
                f"paging through {op.path} never shows {len(missing)} item(s) the full list has",
                expected="every item on some page",
                actual=", ".join(missing[:3]),
            )
    if last_page is not None and last_page < MAX_PAGES:
        beyond = last_page + 1
        case, ex = yield from sc.step(
            op, query=((lim, size), (page_name, beyond)), description=f"page {beyond}, past the end"
        )
        if ex is not None and 200 <= ex.status < 300:
            items, _m = page_items(sc.ctx, op, ex)
            if items:
                yield sc.fail(
                    case,
                    ex,
                    "pagination.past-end",
                    f"page {beyond} is past the last page ({last_page}) but has "
                    f"{len(items)} item(s)",
                    expected="0 items",
                    actual=str(len(items)),
                )
            else:
                yield sc.ok(op)


# ---------------------------------------------------------------------------------- filters
_RANGE: tuple[tuple[str, Callable[[datetime, datetime], bool]], ...] = (
    ("Gt", operator.gt),
    ("Ge", operator.ge),
    ("Lt", operator.lt),
    ("Le", operator.le),
)


@scenario_check(
    "stateful.filters",
    title="Filters and sort order are honoured",
    short="filters",
    description="Date range filters (createdAtGt/Ge/Lt/Le...), search and equality filters only "
    "return matching items and keep matching ones; sortOrder orders the list.",
    over="list",
)
def filters(ctx: SourceContext, res: Resource, op: Operation) -> StepGen:
    sc = Scenario(ctx, "stateful.filters")
    if op.secured and not ctx.scope.credentials:
        yield Skipped(op, sc.check, "no credentials (pass --token)")
        return
    names = {p.name for p in op.parameters if p.location == "query"}
    newest: Instance | None = None
    older: list[Instance] = []
    if not ctx.scope.read_only:
        older = ensure_population(ctx, res, 2)
        time.sleep(0.02)
        newest = ctx.fixtures.fresh(
            res, ctx.fixtures.tags(res)[0] if ctx.fixtures.tags(res) else None
        )
        if newest is not None:
            older = [i for i in older if i.id != newest.id]
            yield from _touch(sc, res, older)
            sc.pin(newest.created)
    _case, _ex, items, _meta = yield from fetch_all(sc, op)
    if items is None:
        return
    by_id = {resource_id(res, i): i for i in items if isinstance(i, dict)}
    complete = len(items) < max_limit(ctx, op, limit_param(op))
    b: Any
    if newest is not None and newest.id not in by_id and complete and unpinned_filters(sc, res, op):
        # the list requires a filter the object made does not carry (dfareporting's
        # advertiserId): it is rightly not there, and a filter cannot be judged by finding it
        yield Skipped(op, sc.check, "the object made is not in a list filtered by a sample's value")
        return
    if newest is not None:
        b = by_id.get(newest.id) or newest.created
    else:
        b = next(iter(by_id.values()), None)
    if not isinstance(b, dict):
        yield Skipped(op, sc.check, "no resource to filter on")
        return
    bid = resource_id(res, b) or (newest.id if newest is not None else None)
    if bid is None:
        # Items without an id member by any name the runner reads (Appwrite's ``$id``): no
        # filter can be judged by whether it finds one.
        yield Skipped(op, sc.check, "the listed items carry no id member to find one by")
        return
    tested = False
    for field_name, value in b.items():
        pivot = instant(value)
        if pivot is None:
            continue
        for suffix, cmp in _RANGE:
            pname = f"{field_name}{suffix}"
            if pname not in names:
                continue
            tested = True
            fcase, fex, fitems, _m = yield from fetch_all(sc, op, extra=((pname, value),))
            if fex is None or fitems is None:
                if fex is not None:
                    yield sc.fail(
                        fcase,
                        fex,
                        "filters.failed",
                        f"{pname} answered {fex.status}",
                        expected="2xx",
                        actual=str(fex.status),
                    )
                continue
            fids = ids(fitems, res)
            should = cmp(pivot, pivot)
            if should and bid not in fids:
                yield sc.fail(
                    fcase,
                    fex,
                    "filters.excludes-match",
                    f"{pname}={value} drops the item whose {field_name} is exactly {value}",
                    expected=f"item {bid} included",
                    actual="missing",
                )
                continue
            if not should and bid in fids:
                yield sc.fail(
                    fcase,
                    fex,
                    "filters.ignored",
                    f"{pname}={value} still returns the item whose {field_name} is {value}",
                    expected=f"item {bid} excluded",
                    actual="included",
                )
                continue
            wrong = [
                i
                for i in fitems
                if isinstance(i, dict) and _outside(instant(i.get(field_name)), pivot, cmp)
            ]
            if wrong:
                yield sc.fail(
                    fcase,
                    fex,
                    "filters.ignored",
                    f"{pname}={value} returns {len(wrong)} item(s) outside the range",
                    expected=f"every {field_name} {suffix.lower()} {value}",
                    actual=show(wrong[0].get(field_name)),
                )
                continue
            expected_ids = [
                i
                for i, item in by_id.items()
                if i is not None and _inside(instant(item.get(field_name)), pivot, cmp)
            ]
            missing = [i for i in expected_ids if i not in fids] if complete else []
            if missing:
                yield sc.fail(
                    fcase,
                    fex,
                    "filters.excludes-match",
                    f"{pname}={value} drops {len(missing)} item(s) whose {field_name} matches",
                    expected="every matching item",
                    actual=", ".join(str(m) for m in missing[:3]),
                )
                continue
            yield sc.ok(op)
    if "search" in names:
        term = b.get("name") if isinstance(b.get("name"), str) and b.get("name") else None
        if term:
            tested = True
            scase, sex, sitems, _m = yield from fetch_all(sc, op, extra=(("search", term),))
            if sitems is not None and sex is not None:
                sids = ids(sitems, res)
                unrelated = [i for i in sitems if isinstance(i, dict) and not _contains(i, term)]
                if bid not in sids:
                    yield sc.fail(
                        scase,
                        sex,
                        "filters.search-misses",
                        f"search={term!r} does not find the item named {term!r}",
                        expected=f"item {bid}",
                        actual=f"{len(sids)} items",
                    )
                elif unrelated:
                    yield sc.fail(
                        scase,
                        sex,
                        "filters.search-ignored",
                        f"search={term!r} returns {len(unrelated)} item(s) that do not contain it",
                        expected="only matching items",
                        actual=f"{len(sitems)} items",
                    )
                else:
                    yield sc.ok(op)
                    yield from _search_variants(sc, res, op, term, bid)
    for p in op.parameters:
        if p.location != "query" or p.name not in b or p.name in ("limit", "page", "search"):
            continue
        value = b[p.name]
        if not isinstance(value, (str, int, float, bool)) or instant(value) is not None:
            continue
        tested = True
        ecase, eex, eitems, _m = yield from fetch_all(sc, op, extra=((p.name, value),))
        if eitems is None or eex is None:
            continue
        other = [
            i for i in eitems if isinstance(i, dict) and p.name in i and not same(i[p.name], value)
        ]
        if other:
            yield sc.fail(
                ecase,
                eex,
                "filters.ignored",
                f"{p.name}={value!r} returns items with another {p.name}",
                expected=f"every {p.name} = {value!r}",
                actual=show(other[0][p.name]),
            )
        elif bid not in ids(eitems, res):
            yield sc.fail(
                ecase,
                eex,
                "filters.excludes-match",
                f"{p.name}={value!r} drops a matching item",
                expected=f"item {bid}",
                actual="missing",
            )
        else:
            yield sc.ok(op)
    if "sortOrder" in names:
        tested = True
        yield from _sort(sc, res, op)
    if not tested:
        yield Skipped(op, sc.check, "the operation has no filter the runner can exercise")


def _outside(
    value: datetime | None, pivot: datetime, cmp: Callable[[datetime, datetime], bool]
) -> bool:
    return value is not None and not cmp(value, pivot)


def _inside(
    value: datetime | None, pivot: datetime, cmp: Callable[[datetime, datetime], bool]
) -> bool:
    return value is not None and cmp(value, pivot)


def _touch(sc: Scenario, res: Resource, older: list[Instance]) -> StepGen:
    """Patch the oldest resource, so its updatedAt is the newest while its createdAt is the
    oldest: a server that filters one timestamp by the other then gets caught."""
    if res.update is None or not older or res.update.json_body() is None:
        return
    inst = older[0]
    prop = discriminator_property(sc.ctx.spec, res.create)
    patch = sc.ctx.builder.patch_body(res, inst.tag, prop, inst.sent)
    if patch is None:
        return
    time.sleep(0.02)
    yield from sc.step(
        res.update, path={res.id_param or "id": inst.id}, body=patch, description="touch one"
    )


def _contains(item: dict[str, Any], term: str) -> bool:
    low = term.lower()
    for v in item.values():
        if isinstance(v, str) and low in v.lower():
            return True
        if isinstance(v, dict) and _contains(v, term):
            return True
    return False


def _description(ctx: SourceContext, op: Operation, name: str) -> str:
    for p in op.parameters:
        if p.name == name:
            node = ctx.spec.resolve(p.pointer, None)
            if isinstance(node, dict):
                return str(node.get("description") or "")
    return ""


def _search_variants(sc: Scenario, res: Resource, op: Operation, term: str, bid: Any) -> StepGen:
    """What the parameter's description promises: case-insensitive and partial matches."""
    text = _description(sc.ctx, op, "search").lower()
    variants = []
    if "case-insensitive" in text or "case insensitive" in text:
        variants.append((term.swapcase(), "in another case"))
    if "partial" in text and len(term) > 4:
        variants.append((term[1:-1], "in part"))
    for value, how in variants:
        case, ex, items, _m = yield from fetch_all(sc, op, extra=(("search", value),))
        if items is None or ex is None:
            continue
        if bid not in ids(items, res):
            yield sc.fail(
                case,
                ex,
                "filters.search-misses",
                f"search={value!r} (the name {how}) does not find {term!r}; the parameter is "
                f"documented as {'case-insensitive' if 'case' in how else 'a partial match'}",
                expected=f"item {bid}",
                actual=f"{len(items)} items",
            )
        else:
            yield sc.ok(op)


def _default_order(ctx: SourceContext, op: Operation) -> str | None:
    import re

    m = re.search(r"defaults? to\W*(ASC|DESC)\b", _description(ctx, op, "sortOrder"), re.I)
    return m.group(1).upper() if m else None


def _sort(sc: Scenario, res: Resource, op: Operation) -> StepGen:
    extra: tuple[tuple[str, Any], ...] = ()
    if any(p.name == "sortBy" for p in op.parameters):
        extra = (("sortBy", "createdAt"),)
    for order in ("ASC", "DESC", None):
        query = (("sortOrder", order), *extra) if order else ()
        case, ex, items, meta = yield from fetch_all(sc, op, extra=query)
        if items is None or ex is None:
            continue
        if order is None:
            # No sortOrder: the order the server says it used, else the documented default.
            declared = meta.get("sortOrder") if isinstance(meta, dict) else None
            order = declared if declared in ("ASC", "DESC") else _default_order(sc.ctx, op)
            if order is None:
                continue
        stamps = [instant(i.get("createdAt")) for i in items if isinstance(i, dict)]
        values = [s for s in stamps if s is not None]
        ordered = sorted(values, reverse=order == "DESC")
        if values != ordered:
            yield sc.fail(
                case,
                ex,
                "filters.sort-ignored",
                f"sortOrder={order} does not order the items by createdAt"
                + ("" if query else " (the default order)"),
                expected=f"createdAt {'ascending' if order == 'ASC' else 'descending'}",
                actual="unordered",
            )
            continue
        if query and meta is not None and "sortOrder" in meta and meta["sortOrder"] != order:
            yield sc.fail(
                case,
                ex,
                "pagination.metadata",
                f"metadata.sortOrder is {meta['sortOrder']!r} for sortOrder={order}",
                pointer="/metadata/sortOrder",
                expected=order,
                actual=truncate_value(meta["sortOrder"]),
            )
            continue
        yield sc.ok(op)
