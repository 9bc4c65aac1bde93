"""The offline change plan against the real engine, and the engine's cost beside the synth's
(`make bench`, after `make engine`).

1. Side by side, interleaved: `pulumi preview` of a new production stack through the engine tier,
   and `python -m tools.synth`; median wall times.
2. Plan accuracy: for each scenario, production (or its manual variant) is brought up through
   the engine, one config change is made, and the engine's preview is compared, resource by
   resource, with `make plan`'s classification of the same change. The line is
   `plan agreement: N/M steps`; each disagreement is listed (the engine is right).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

from engine.session import EngineSession
from harness.change_plan import plan
from harness.synth import ROOT, synthesize

RUNS = 3
# scenario -> (the base's config, the change): a string as `pulumi config set` stores it, a list
# as a YAML sequence gives it (set element by element with --path).
SCENARIOS = {
    "appName rename": ({}, {"appName": "musica-nova"}),
    "rotationJwt": ({}, {"rotationJwt": "2026-12-05"}),
    "jwtKeyGeneration +1": ({}, {"jwtKeyGeneration": "1"}),
    "jwtKeyGeneration +2": ({}, {"jwtKeyGeneration": "2"}),
    "jwtKeyGeneration +3 (emergency)": ({}, {"jwtKeyGeneration": "3"}),
    "a new containerImage": (
        {},
        {"containerImage": "123456789012.dkr.ecr.us-east-1.amazonaws.com/programador-musical:2"},
    ),
    "a replica region": ({}, {"replicaRegions": ["us-west-2", "eu-west-1"]}),
    "managed rotation turned on": ({"rotationManaged": "false"}, {"rotationManaged": "true"}),
    "an alarm threshold": ({}, {"monitoringRetrievalThreshold": "25"}),
}


def _median_seconds(command: list[str], env: dict | None = None, cwd=ROOT) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cost(engine: EngineSession) -> str:
    project = engine.project(label="timing")
    engine.init_stack(project, "production").check()
    preview = _median_seconds(["pulumi", "preview", "--stack", "production"], engine.env(project),
                              project)  # fmt: skip
    synth = _median_seconds([sys.executable, "-m", "tools.synth", "--stack", "production"])
    return f"engine: preview {preview:.1f} s, offline synth {synth:.1f} s"


def _config_args(config: dict) -> list[list[str]]:
    args = []
    for key, value in config.items():
        if isinstance(value, list):
            args += [
                ["config", "set", "--stack", "production", "--path", f"{key}[{i}]", item]
                for i, item in enumerate(value)
            ]
        else:
            args.append(["config", "set", "--stack", "production", "--plaintext", key, value])
    return args


def _planned(base: dict, change: dict) -> dict[str, str]:
    """`make plan`'s step per URN for the same change (both renders under one digest key)."""
    key = os.urandom(32)
    old = synthesize("production", dict(base), digest_key=key).document()
    new = synthesize("production", {**base, **change}, digest_key=key).document()
    return {step.resource["urn"]: step.op for step in plan(old, new).steps}


def agreement(engine: EngineSession) -> tuple[int, int, list[str]]:
    agreed, compared, disagreements = 0, 0, []
    for scenario, (base, change) in SCENARIOS.items():
        engine.moto.reset()
        project = engine.project(label=scenario.replace(" ", "-").replace("+", "plus"))
        engine.init_stack(project, "production").check()
        for args in _config_args(base):
            engine.pulumi(project, *args).check()
        engine.pulumi(project, "up", "--stack", "production", "--yes", "--skip-preview").check()
        for args in _config_args(change):
            engine.pulumi(project, *args).check()
        # A preview that stops at a protected resource still lists every step it planned (the
        # plan flags the same resources).
        preview = engine.pulumi(project, "preview", "--stack", "production", "--json")
        shown = {
            step["urn"]: step["op"]
            for step in preview.json()["steps"]
            if "::pulumi:providers:" not in step["urn"] and "pulumi:pulumi:Stack" not in step["urn"]
        }
        planned = _planned(base, change)
        for urn in sorted(set(shown) | set(planned)):
            compared += 1
            if shown.get(urn, "same") == planned.get(urn, "same"):
                agreed += 1
            else:
                name = urn.rsplit("::", 1)[-1]
                disagreements.append(
                    f"  {scenario}: {name}: engine {shown.get(urn, 'same')}, "
                    f"plan {planned.get(urn, 'same')}"
                )
    return agreed, compared, disagreements


def main() -> int:
    with EngineSession() as engine:
        print(cost(engine))
        agreed, compared, disagreements = agreement(engine)
    if disagreements:
        print(*disagreements, sep="\n")
    print(f"plan agreement: {agreed}/{compared} steps")
    return 0


if __name__ == "__main__":
    sys.exit(main())
