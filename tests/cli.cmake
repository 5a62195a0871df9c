# CLI-level tests: filled in below.
