"""Every patch of schemathesis or hypothesis internals, in one place. Each touches a private name that an upgrade
may move; tests/unit/contract/test_patched_internals.py names each one and fails loudly when it is gone, so an
upgrade breaks a test, not a night's verdicts. Nothing outside this module reaches into their internals."""

from __future__ import annotations

from .generation import bounded_mutation_targets

_installed = False
_original_local_constants = None  # hypothesis' own, kept for the test that shows why it is replaced


def no_local_constants():
    """An empty constant pool, in place of the string/number literals hypothesis collects from local modules."""
    from hypothesis.internal.conjecture.providers import Constants

    return Constants()


def exclude_local_constants() -> None:
    """Hypothesis mixes literals found in *local* modules (this project's own code: the twin's org tokens, test
    keys, names) into ~5% of generated values. Those would put our credentials in request bodies -- stored by the
    API, read back, and reported by `api_key_not_echoed` as an echo -- and make the same seed generate different
    data depending on which modules happen to be imported. The API under test is not local code: its schema, not
    our literals, is what generation should draw from. (No public setting exists; the pool is swapped here.)"""
    from hypothesis.internal.conjecture import providers

    global _original_local_constants
    if providers._get_local_constants is not no_local_constants:
        _original_local_constants = providers._get_local_constants
    providers._get_local_constants = no_local_constants
    providers.CONSTANTS_CACHE.cache.clear()


def install() -> None:
    """Route schemathesis' mutation-target computation through the bounded walk, and keep local literals out of
    generated data (idempotent)."""
    global _installed
    if _installed:
        return
    exclude_local_constants()
    from schemathesis.specs.openapi import negative
    from schemathesis.specs.openapi.negative import mutations

    mutations.compute_mutation_targets = bounded_mutation_targets
    negative.compute_mutation_targets = bounded_mutation_targets
    _installed = True


def release_memory() -> None:
    """Hand back what generating one operation left behind. schemathesis and hypothesis keep process-wide caches
    of strategies, bundles and validators built from each schema; with Vapi's big bodies they grew a worker by
    100-180 MB per heavy operation (measured: 908 MB after 6 of them) until the memory cap cut every operation
    after them. Emptied, with the freed heap returned to the OS, the same worker stays under ~200 MB."""
    import ctypes
    import gc

    from hypothesis.strategies._internal import utils as strategy_utils
    from schemathesis.specs.openapi import _caches

    _caches.clear_all()
    strategy_utils._STRATEGY_CACHE.clear()
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the caches are freed all the same, RSS may lag
        pass


def key_database_entry(test, key: str) -> None:
    """Key a hypothesis test's database entry by `key` (every test of the engine shares one body function, so
    hypothesis alone would give every operation and mode the same entry)."""
    test._hypothesis_internal_add_digest = key.encode()
