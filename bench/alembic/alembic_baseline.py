"""Baseline for bench/alembic: real Alembic's ScriptDirectory parsing a project and planning
`upgrade heads` from the base (what `alembic upgrade heads` computes before running anything).
Prints JSON: per-iteration seconds (import of alembic once, then load + plan each iteration)."""
import json
import sys
import time

started = time.perf_counter()
from alembic.script import ScriptDirectory  # noqa: E402

imported = time.perf_counter()
location, iterations = sys.argv[1], int(sys.argv[2])
runs = []
order = []
for _ in range(iterations):
    t0 = time.perf_counter()
    script = ScriptDirectory(location)
    heads = script.get_heads()  # loads and maps every revision file
    t1 = time.perf_counter()
    steps = script._upgrade_revs("heads", ())
    t2 = time.perf_counter()
    order = [s.revision.revision for s in steps]
    runs.append({"parse": t1 - t0, "plan": t2 - t1})
# Revisions with several extra dependencies: Alembic keeps them in a set (hash order), which the
# native side replays to compare orders (see GraphOptions.dependencyOrder).
dependency_order = {
    r.revision: list(r._normalized_resolved_dependencies)
    for r in script.revision_map._revision_map.values()
    if r is not None and len(r._normalized_resolved_dependencies) > 1
}
print(json.dumps({"import": imported - started, "runs": runs, "order": order, "heads": heads, "dependencyOrder": dependency_order}))
