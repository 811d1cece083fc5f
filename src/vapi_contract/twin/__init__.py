"""The twin: a local, stateful, spec-driven stand-in for the Vapi API that runs offline.

`server.start_twin(...)` runs one in a subprocess for tests and pipelines; `vapi-contract twin` runs one in the
foreground. Routes, validation and response shapes all come from the served spec, never from a hand-written list.
"""
