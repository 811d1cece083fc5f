"""Rule families. Adding a rule: write a function in the family module (or a new module listed in
`registry.load_rules`), decorate it, and add its fixture pair under tests/fixtures/diff/ plus a test."""
