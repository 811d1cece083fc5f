"""Every private name of schemathesis or hypothesis that contract/patches.py touches still exists with the shape it
relies on. When an upgrade moves one, this fails with the name to look at, before a night runs on a silently
unpatched generator (unbounded negative walks, our tokens in generated bodies, caches that fill the worker)."""

import inspect

import pytest


def _hypothesis_internals():
    from hypothesis.internal.conjecture import providers
    from hypothesis.internal.conjecture.providers import Constants
    from hypothesis.internal.reflection import function_digest
    from hypothesis.strategies._internal import utils as strategy_utils

    yield "hypothesis providers._get_local_constants", callable(getattr(providers, "_get_local_constants", None))
    yield "hypothesis providers.CONSTANTS_CACHE.cache", hasattr(getattr(providers, "CONSTANTS_CACHE", None), "cache")
    yield "hypothesis Constants() takes no arguments", not [
        p for p in inspect.signature(Constants).parameters.values() if p.default is inspect.Parameter.empty
        and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    yield "hypothesis strategies utils._STRATEGY_CACHE.clear", hasattr(getattr(strategy_utils, "_STRATEGY_CACHE", None), "clear")
    yield "hypothesis function_digest reads _hypothesis_internal_add_digest", \
        "_hypothesis_internal_add_digest" in inspect.getsource(function_digest)


def _schemathesis_internals():
    from schemathesis.specs.openapi import _caches, negative
    from schemathesis.specs.openapi.negative import mutations

    yield "schemathesis specs.openapi._caches.clear_all", callable(getattr(_caches, "clear_all", None))
    yield "schemathesis negative.mutations.compute_mutation_targets", \
        callable(getattr(mutations, "compute_mutation_targets", None))
    yield "schemathesis negative.compute_mutation_targets (imported name)", \
        hasattr(negative, "compute_mutation_targets")


@pytest.mark.parametrize("source", [_hypothesis_internals, _schemathesis_internals])
def test_every_patched_internal_is_still_there(source):
    missing = [name for name, present in source() if not present]
    assert not missing, f"an upgrade moved what contract/patches.py patches: {missing}"


def test_install_patches_what_it_names_and_the_key_reaches_the_database_digest():
    from hypothesis import given, strategies
    from hypothesis.internal.conjecture import providers
    from hypothesis.internal.reflection import function_digest
    from schemathesis.specs.openapi import negative
    from schemathesis.specs.openapi.negative import mutations

    from vapi_contract.contract import patches
    from vapi_contract.contract.generation import bounded_mutation_targets

    patches.install()
    assert mutations.compute_mutation_targets is bounded_mutation_targets
    assert negative.compute_mutation_targets is bounded_mutation_targets
    assert providers._get_local_constants is patches.no_local_constants

    def body(x):
        pass

    one, two = given(strategies.none())(body), given(strategies.none())(body)
    patches.key_database_entry(one, "GET /a positive")
    patches.key_database_entry(two, "GET /a negative")
    assert function_digest(one) != function_digest(two)


def test_nothing_else_reaches_into_their_internals():
    """The one-module rule, kept: no other module of the package imports a private schemathesis/hypothesis name."""
    import re
    from pathlib import Path

    import vapi_contract

    root = Path(vapi_contract.__file__).parent
    private = re.compile(r"(from (schemathesis|hypothesis)\S*\._\w+|from (schemathesis|hypothesis)\S* import _"
                         r"|hypothesis\.internal|_hypothesis_internal)")
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.py")
                 if p.name != "patches.py" and private.search(p.read_text())]
    assert not offenders, f"private schemathesis/hypothesis names outside contract/patches.py: {offenders}"
