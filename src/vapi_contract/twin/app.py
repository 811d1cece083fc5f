"""The twin's ASGI app: admin endpoints plus one dispatcher that serves every operation of the current spec."""

from __future__ import annotations

import asyncio
import json
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route as StarletteRoute

from ..errors import VapiContractError
from . import crud
from .faults import FAULTS
from .params import check_body, check_parameters, parse_body, parse_form, shape_form
from .state import TwinState

INVALID_KEY = "Invalid Key. Hot tip, you may be using the private key instead of the public key, or vice versa."


def json_response(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = payload if isinstance(payload, bytes) else json.dumps(payload, separators=(",", ":")).encode()
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def error(status: int, message: Any, name: str) -> Response:
    return json_response({"message": message, "error": name, "statusCode": status}, status)


def sent_path(request: Request) -> str:
    """The path as the client sent it, percent-encoding kept, as NestJS's `Cannot GET /x` message shows it."""
    raw = request.scope.get("raw_path")
    return raw.decode("latin-1") if raw else request.scope["path"]


def http_error(request: Request, exc: Exception) -> Response:
    """Errors Starlette raises itself (a wrong method on an admin endpoint) in Vapi's JSON shape, not plain text."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status >= 500:
        return error(500, "Internal server error", "Internal Server Error")
    try:
        name = HTTPStatus(status).phrase
    except ValueError:
        name = "Error"
    return error(status, f"Cannot {request.method} {sent_path(request)}", name)


def build_app(state: TwinState) -> Starlette:
    async def health(request: Request) -> Response:
        served = state.served
        return json_response({
            "status": "ok", "fault": state.fault, "generation": served.generation,
            "operations": len(served.routes), "objects": state.store.count(), "seedObjects": state.seed_count,
            "validatorsReady": not state.warming.is_alive(),
            "title": (served.document.get("info") or {}).get("title"),
            "version": (served.document.get("info") or {}).get("version"),
        })

    async def api_json(request: Request) -> Response:
        return json_response(state.served.encoded)

    def admin_denied(request: Request) -> Response | None:
        if request.headers.get("authorization", "") != f"Bearer {state.admin_token}":
            return error(401, "admin token required", "Unauthorized")
        return None

    def admin_only(handler):
        """Twin endpoints answer only the admin token."""
        async def guarded(request: Request) -> Response:
            return admin_denied(request) or await handler(request)

        return guarded

    @admin_only
    async def switch_spec(request: Request) -> Response:
        raw = await request.body()

        def read_and_switch():
            """Off the event loop: a spec is read (with the spec layer's size, count and depth caps, whether it
            is sent inline or named by `{"source": ...}`), then served."""
            from ..spec.sources import load, parse_document

            try:  # `{"source": ...}` is small; anything else is a document for parse_document to judge
                named, _ = parse_body(raw) if len(raw) < 4096 else (None, None)
            except RecursionError:
                named = None
            if isinstance(named, dict) and set(named) == {"source"} and isinstance(named["source"], str):
                loaded = load(named["source"])
                return state.switch(loaded.document, loaded.raw)
            return state.switch(parse_document(raw, "body"), None)

        try:
            served = await asyncio.get_running_loop().run_in_executor(None, read_and_switch)
        except VapiContractError as exc:
            return error(400, [str(exc)], "Bad Request")
        return json_response({"generation": served.generation, "operations": len(served.routes)})

    @admin_only
    async def set_fault(request: Request) -> Response:
        body, problem = parse_body(await request.body())
        name = body.get("name") if isinstance(body, dict) else None
        if problem or (name is not None and name not in FAULTS):
            return error(400, [problem or f"unknown fault {name!r}; known: {', '.join(sorted(FAULTS))}"], "Bad Request")
        state.fault = name
        return json_response({"fault": name})

    @admin_only
    async def reset(request: Request) -> Response:
        state.reset()
        return json_response({"objects": state.store.count()})

    @admin_only
    async def seed(request: Request) -> Response:
        body, problem = parse_body(await request.body())
        count = body.get("count") if isinstance(body, dict) else None
        if problem or not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= 1000:
            return error(400, [problem or "body must be {\"count\": N} with 0 <= N <= 1000"], "Bad Request")
        from .seed import unseed

        unseed(state)
        state.seed_count = count
        added = state.reseed()
        return json_response({"seeded": added, "objects": state.store.count()})

    @admin_only
    async def stats(request: Request) -> Response:
        return json_response({label: {str(code): n for code, n in sorted(codes.items())}
                              for label, codes in sorted(state.answered.items())})

    async def dispatch(request: Request) -> Response:
        try:
            response = await answer(request)
        except Exception:  # noqa: BLE001 - a twin bug: Vapi's 500 shape, and the traceback on stderr where it can be read
            import traceback

            traceback.print_exc()
            response = error(500, "Internal server error", "Internal Server Error")
        label = request.scope.get("twin_route")
        if label:  # the target's own record of what each operation answered (GET /__twin/stats)
            codes = state.answered.setdefault(label, {})
            codes[response.status_code] = codes.get(response.status_code, 0) + 1
        return response

    async def answer(request: Request) -> Response:
        if state.fault == "slow":
            await asyncio.sleep(1.5)
        served = state.served
        # the decoded scope path: `request.url.path` goes through urlsplit, which silently drops \n, \r and \t
        method, path = request.method, request.scope["path"]
        route, path_values = None, None
        for candidate in served.candidates(method, path):
            path_values = candidate.match(path)
            if path_values is not None:
                route = candidate
                break
        if route is None:
            return error(404, f"Cannot {method} {sent_path(request)}", "Not Found")
        request.scope["twin_route"] = route.label
        org = state.org_for(request.headers.get("authorization"))
        if org is None:
            if state.fault != "ignore-auth":
                return error(401, INVALID_KEY, "Unauthorized")
            org = next(iter(state.tokens))
        if state.fault == "leak-orgs":
            org = "*shared*"
        raw_query = request.scope.get("query_string", b"")
        query = parse_qs(raw_query.decode("latin-1"), keep_blank_values=True) if raw_query else {}
        values, problems = check_parameters(served, route, path_values, query, request.headers)
        body: Any = None
        lax_body = state.fault == "create-accepts-invalid" and route.kind == "create"  # body not validated
        if route.request_ptr is not None:
            raw = await request.body()
            if route.body_required and not raw.strip() and not lax_body:
                # checked before parsing: an empty body parses as `{}`, which a schema without required
                # properties accepts, so `requestBody.required: true` would never be enforced
                problems.append("request body is required and must not be empty")
            if route.form:
                body, parse_problem = parse_form(raw, request.headers.get("content-type", ""))
                body = shape_form(body, served.book.at(route.request_ptr), served.book.resolve)
            else:
                body, parse_problem = parse_body(raw)
            if parse_problem and not lax_body:
                return error(400, [parse_problem], "Bad Request")
            if not lax_body:
                problems += check_body(served, route, body)
        if problems and state.fault != "accept-invalid":
            return error(400, problems, "Bad Request")
        if state.fault == "server-error" and route.kind == "create" and route.collection == served.fault_collection:
            return error(500, "Internal server error", "Internal Server Error")
        call = crud.Call(state, served, route, org, path_values, values, body, request)
        return call.run()

    routes = [
        StarletteRoute("/__twin/health", health, methods=["GET"]),
        StarletteRoute("/__twin/spec", switch_spec, methods=["POST"]),
        StarletteRoute("/__twin/reset", reset, methods=["POST"]),
        StarletteRoute("/__twin/fault", set_fault, methods=["POST"]),
        StarletteRoute("/__twin/stats", stats, methods=["GET"]),
        StarletteRoute("/__twin/seed", seed, methods=["POST"]),
        StarletteRoute("/api-json", api_json, methods=["GET"]),
    ]

    async def serve_api(scope, receive, send) -> None:
        response = await dispatch(Request(scope, receive))
        await response(scope, receive, send)

    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error, Exception: http_error})
    # every other path goes to the dispatcher as the router's default, not through a `{path:path}` route:
    # that converter's `.*` stops at a newline, so `/assistant/hd%0AK` used to get Starlette's plain-text 404
    app.router.default = serve_api
    app.router.redirect_slashes = False  # the dispatcher decides about trailing slashes, as for any other path
    return app


