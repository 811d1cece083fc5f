"""One fixture pair per rule family: every expected finding is there with oasdiff's level, and nothing else
(precision: a false "breaking" wakes people up)."""

from __future__ import annotations

import pytest

RB = "request body application/json"
R201 = "response 201 application/json"

EXPECTED = {
    "operations": {
        ("api-removed-without-deprecation", "operation", "DELETE /squad/{id}"): "error",
        ("api-path-removed-without-deprecation", "operation", "GET /block"): "error",
        ("api-path-removed-with-deprecation", "operation", "GET /legacy"): "info",
        ("endpoint-deprecated", "operation", "GET /assistant"): "info",
        ("api-operation-id-removed", "operationId", "GET /assistant"): "info",
        ("api-tag-added", "tags", "GET /assistant"): "info",
        ("api-tag-removed", "tags", "GET /assistant"): "info",
        ("endpoint-added", "operation", "POST /chat"): "info",
        # /squad/{id} -> /squad/{squadId}: the same endpoint, so GET is unchanged
    },
    "parameters": {
        ("request-parameter-type-changed", "query parameter createdAtGt", None): "error",
        ("request-parameter-became-required", "query parameter cursor", None): "error",
        ("request-parameter-default-value-changed", "query parameter limit", None): "error",
        ("request-parameter-max-decreased", "query parameter limit", None): "error",
        ("request-parameter-pattern-added", "query parameter name", None): "error",
        ("new-required-request-parameter", "query parameter orgId", None): "error",
        ("request-parameter-enum-value-removed", "query parameter sortOrder", None): "error",
        ("new-optional-request-parameter", "header parameter X-Trace", None): "info",
        ("new-optional-request-parameter", "query parameter page", None): "info",
        ("request-parameter-removed-with-deprecation", "query parameter old", None): "info",
        # path parameter renamed id -> callId: not a removal plus an addition
    },
    "request_body": {
        ("request-body-added-required", "request body", "DELETE /call/{id}"): "error",
        ("request-body-removed", "request body", "POST /chat"): "error",
        ("request-body-media-type-removed", "request body application/json", "POST /file"): "error",
        ("request-body-became-required", "request body", "POST /session"): "error",
        ("request-body-media-type-added", "request body application/x-www-form-urlencoded", "POST /file"): "info",
    },
    "responses": {
        ("response-success-status-removed", "response 202", None): "error",
        ("required-response-header-removed", "response 201 header X-RateLimit-Remaining", None): "error",
        ("response-media-type-removed", "response 201 text/plain", None): "error",
        ("response-success-status-added", "response 201", None): "info",
        ("response-header-added", "response 201 header X-Cost", None): "info",
        ("response-non-success-status-removed", "response 400", None): "info",
        ("response-non-success-status-added", "response 404", None): "info",
    },
    "properties": {
        ("request-property-became-required", f"{RB}: firstMessage", None): "error",
        ("new-required-request-property", f"{RB}: model", None): "error",
        ("response-property-became-optional", f"{R201}: orgId", None): "error",
        ("response-required-property-removed", f"{R201}: status", None): "error",
        ("request-property-removed", f"{RB}: legacy", None): "warning",
        ("response-optional-property-removed", f"{R201}: voice", None): "warning",
        ("new-optional-request-property", f"{RB}: endCallMessage", None): "info",
        ("response-required-property-added", f"{R201}: createdAt", None): "info",
        ("response-optional-write-only-property-removed", f"{R201}: secret", None): "info",
        # readOnly `createdAt` added as required to the request: clients never send it, so nothing
    },
    "types": {
        ("request-property-became-not-nullable", f"{RB}: customer", None): "error",
        ("request-property-type-changed", f"{RB}: flag", None): "error",
        ("request-property-type-changed", f"{RB}: startedAt", None): "error",
        ("response-property-type-generalized", f"{R201}: cost", None): "error",
        ("response-property-type-changed", f"{R201}: endedAt", None): "error",  # format dropped: oasdiff's id
        ("response-property-became-nullable", f"{R201}: endedReason", None): "error",
        ("request-property-type-generalized", f"{RB}: count", None): "info",
        ("request-property-became-nullable", f"{RB}: note", None): "info",
        ("response-property-type-specialized", f"{R201}: id", None): "info",
        # `type: "enum"` (a Vapi quirk) -> `type: string` with the same values: nothing
    },
    "enums": {
        ("request-property-enum-value-removed", f"{RB}: provider", None): "error",
        ("request-property-became-enum", f"{RB}: voiceId", None): "error",
        ("response-property-enum-value-added", f"{R201}: status", None): "warning",
        ("request-property-enum-value-added", f"{RB}: clientMessages[]", None): "info",
        ("request-property-enum-value-added", f"{RB}: provider", None): "info",
        ("response-property-enum-value-removed", f"{R201}: endedReason", None): "info",
        # the array-level copy of the items' enum is not reported twice; reordered values are no change
    },
    "constraints": {
        ("request-property-min-length-increased", f"{RB}: firstMessage", None): "error",
        ("request-property-max-length-decreased", f"{RB}: name", None): "error",
        ("request-property-pattern-added", f"{RB}: slug", None): "error",
        ("request-property-max-items-decreased", f"{RB}: voices", None): "error",  # our extension id
        ("response-property-max-length-unset", f"{R201}: firstMessage", None): "error",
        ("response-property-max-increased", f"{R201}: maxDurationSeconds", None): "error",
        ("response-property-min-decreased", f"{R201}: maxDurationSeconds", None): "error",
        ("request-property-max-length-set", f"{RB}: description", None): "warning",
        ("request-property-min-items-set", f"{RB}: tags", None): "warning",
        ("request-property-max-increased", f"{RB}: maxDurationSeconds", None): "info",
        ("request-property-min-decreased", f"{RB}: silenceTimeoutSeconds", None): "info",
        ("request-property-default-value-changed", f"{RB}: temperature", None): "info",
        ("response-property-pattern-added", f"{R201}: slug", None): "info",
        # a response maxLength that shrank is safe for clients; `/^a$/` -> `^a$` is the same regex
    },
    "composition": {
        ("request-property-one-of-removed", f"{RB}: model", None): "error",
        ("request-property-enum-value-removed", f"{RB}: voice", None): "error",
        ("response-property-one-of-added", f"{R201}: model", None): "error",
        ("response-property-one-of-added", f"{R201}: backgroundSound", None): "error",
        ("response-property-discriminator-mapping-added", f"{R201}: model", None): "info",
        ("api-schema-removed", "#/components/schemas/GroqModel", None): "info",
        ("api-schema-removed", "#/components/schemas/VapiModel", None): "info",
        # GroqModel renamed GroqLLMModel with the same shape, and `$ref` -> `allOf: [$ref]`: no change;
        # backgroundSound `string enum` -> `oneOf: [that same enum, uri]`: only the uri branch is new
    },
    "any_all": {
        ("request-property-any-of-removed", f"{RB}: customer", None): "error",
        ("request-property-all-of-added", f"{RB}: metadata", None): "error",
        ("response-property-any-of-added", f"{R201}: customer", None): "info",
        ("response-property-all-of-removed", f"{R201}: details", None): "info",
        ("request-property-one-of-added", f"{RB}: target", None): "info",
        ("response-property-one-of-added", f"{R201}: caller", None): "error",
        ("response-optional-property-removed", f"{R201}: caller.name", None): "warning",
        # `allOf: [Base, Costs]` -> `allOf: [Base]` (read as Base): only Costs is reported;
        # `oneOf: [A], allOf: [A]` (NestJS) -> `oneOf: [A, B]`: only B is new, the allOf repeated A;
        # an inline object that became `oneOf: [its $ref'd twin, B]` is compared with its twin
    },
    "access": {
        ("request-optional-property-became-read-only", f"{RB}: id", None): "info",
        ("request-property-deprecated", f"{RB}: legacyField", None): "info",
        ("request-required-property-became-write-only", f"{RB}: token", None): "info",
        ("response-required-property-became-read-only", f"{R201}: name", None): "info",
        ("response-property-reactivated", f"{R201}: oldField", None): "info",
        ("response-optional-property-became-write-only", f"{R201}: secret", None): "info",
    },
    "security": {
        ("api-security-component-type-changed", "#/components/securitySchemes/legacyKey", None): "info",
        ("api-security-component-added", "#/components/securitySchemes/oauth", None): "info",
        ("api-global-security-added", "security", None): "info",
        ("api-security-added", "security", "GET /assistant"): "info",
        # /health dropped its own bearer requirement but inherits the new global one: no change
    },
    "refs": {
        ("new-required-request-property", f"{RB}: kind", "POST /workflow"): "error",
        ("request-property-became-required", f"{RB}: name", "POST /workflow"): "error",
        ("response-property-enum-value-added", "response 200 application/json: [].voice", "GET /assistant"): "warning",
        ("schema-ref-dangling", f"{R201}: owner", "POST /squad"): "warning",
        ("new-optional-request-property", f"{RB}: voice", "POST /assistant"): "info",
        ("api-schema-removed", "#/components/schemas/Plan", None): "info",
        ("api-schema-removed", "#/components/schemas/SquadMember", None): "info",
    },
}


@pytest.mark.parametrize("family", sorted(EXPECTED))
def test_family_reports_exactly_the_expected_changes(diff_fixture, family):
    found = diff_fixture(family)
    expected = EXPECTED[family]
    assert set(found) == {(rule, location) for rule, location, _ in expected}
    for (rule, location, operation), level in expected.items():
        change = found[(rule, location)]
        assert change.level == level, (rule, location)
        if operation:
            assert change.operation == operation
        assert change.message and "\n" not in change.message


@pytest.mark.parametrize("family", sorted(EXPECTED))
def test_identical_versions_have_no_changes(fixture_pair, family):
    from vapi_contract.diff import compare

    old, _ = fixture_pair(family)
    assert compare(old, old).changes == []


@pytest.mark.parametrize("family", ["properties", "enums", "constraints", "types", "composition"])
def test_reversing_a_pair_flips_direction_sensitive_levels(fixture_pair, family):
    """Swapping old and new turns additions into removals: the reverse diff is never empty."""
    from vapi_contract.diff import compare

    old, new = fixture_pair(family)
    assert compare(new, old).changes
