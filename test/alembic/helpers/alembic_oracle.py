"""Real Alembic as the oracle for the differential tests (and the benchmark's baseline).

Reads a JSON list of projects on stdin: {"dir": <script directory or alembic.ini>,
"cases": [{"from": [ids], "to": "heads"}]}, and prints one JSON list with, for each project,
what Alembic's own ScriptDirectory / RevisionMap say: heads, bases, real heads and bases,
branch and merge points, `history` order, and for each case the upgrade order
(ScriptDirectory._upgrade_revs, the function `alembic upgrade` calls) or the error it raises.
Nothing here re-implements Alembic: every answer comes from alembic.script.
"""
import json
import sys
import time
import warnings

from alembic.config import Config
from alembic.runtime.migration import HeadMaintainer
from alembic.script import ScriptDirectory
from alembic.script.revision import MultipleHeads, ResolutionError, RevisionError


def open_scripts(location):
    if location.endswith(".ini"):
        return ScriptDirectory.from_config(Config(location))
    return ScriptDirectory(location)


def error_kind(exc):
    # _upgrade_revs turns revision errors into CommandError; the message names the cause.
    text = str(exc)
    if isinstance(exc, MultipleHeads) or "Multiple head revisions" in text:
        return "multiple-heads"
    if isinstance(exc, ResolutionError) or "Can't locate revision" in text or "No such revision" in text:
        return "unknown-revision"
    if isinstance(exc, RevisionError) and "overlaps" in text or "overlaps with other" in text:
        return "overlapping-revisions"
    return type(exc).__name__


class _NoSqlImpl:
    def _exec(self, *args, **kw):
        return None


class _OfflineContext:
    """What HeadMaintainer needs of a MigrationContext in --sql mode: statements go nowhere."""

    as_sql = True
    impl = _NoSqlImpl()
    version_table = "alembic_version"

    def __init__(self):
        from sqlalchemy import Column, MetaData, String, Table

        self._version = Table("alembic_version", MetaData(), Column("version_num", String(32)))


def upgrade_case(script, to, current):
    steps = script._upgrade_revs(to, tuple(current))
    order = [step.revision.revision for step in steps]
    # Alembic's own bookkeeping of alembic_version rows, step by step (runtime/migration.py).
    maintainer = HeadMaintainer(_OfflineContext(), current)
    for index, step in enumerate(steps):
        try:
            maintainer.update_to_step(step)
        except (KeyError, IndexError, AssertionError) as exc:
            return {"order": order, "bookkeepingFailure": {"step": index + 1, "revision": step.revision.revision, "error": type(exc).__name__}}
    return {"order": order, "rows": sorted(maintainer.heads)}


def inspect(project):
    started = time.perf_counter()
    script = open_scripts(project["dir"])
    rmap = script.revision_map
    heads = script.get_heads()
    out = {
        "heads": heads,
        "bases": script.get_bases(),
        "realHeads": list(rmap._real_heads),
        "realBases": list(rmap._real_bases),
        "history": [sc.revision for sc in script.walk_revisions()],
        # the revision map's own order (load order), which orders heads and several targets
        "loadOrder": list(dict.fromkeys(r.revision for r in rmap._revision_map.values() if r is not None)),
    }
    all_revs = list(script.walk_revisions())
    out["branchPoints"] = sorted(sc.revision for sc in all_revs if sc.is_branch_point)
    out["mergePoints"] = sorted(sc.revision for sc in all_revs if sc.is_merge_point)
    out["dependencyOrder"] = {
        sc.revision: list(sc._normalized_resolved_dependencies)
        for sc in all_revs
        if len(sc._normalized_resolved_dependencies) > 1
    }
    results = []
    for case in project.get("cases", []):
        try:
            results.append(upgrade_case(script, case["to"], case["from"]))
        except Exception as exc:  # noqa: BLE001 - the error itself is the answer
            results.append({"error": error_kind(exc), "message": str(exc)})
    out["cases"] = results
    out["seconds"] = time.perf_counter() - started
    return out


def main():
    warnings.simplefilter("ignore")
    projects = json.load(sys.stdin)
    answers = []
    for project in projects:
        try:
            answers.append(inspect(project))
        except Exception as exc:  # noqa: BLE001
            answers.append({"loadError": error_kind(exc), "message": str(exc)})
    json.dump(answers, sys.stdout)


if __name__ == "__main__":
    main()
