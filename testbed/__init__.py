"""A local replica of the Russian MFA site (mid.ru) with an edit timeline and switchable faults.

The demo, the tests and the benchmarks crawl it; its interface is documented in
docs/testbed.md. Start it with `testbed.server.serve_in_thread(...)` or
`ministry-watch testbed --port P`.
"""
