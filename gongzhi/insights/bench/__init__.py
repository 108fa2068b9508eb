"""`gongzhi bench insights --orders N`: the insights at scale, on PostgreSQL.

The command (management/commands/bench.py) recreates a database of its own (never the one in
DATABASE_URL unless given with --database-url), migrates it, and runs the rest in a child
process connected to it: the registry (registry.py), N orders with their events and callbacks
(generate.py, binary COPY), the roll-ups' full rebuild, then the timings (measure.py). It
prints one JSON line. docs/insights-scale.md has the figures and the indexes.
"""
