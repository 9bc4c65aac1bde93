"""Synth cost, measured side by side in one run (`make bench`).

1. Whole processes, interleaved: `python -m tools.synth` (production) vs a bare
   `python -c "import pulumi, pulumi_aws, pulumi_random"`; median wall time, their ratio, and
   the synth's peak RSS. Targets: ratio <= 3.0, peak RSS <= 150 MB.
   Also a change plan from a commit (`--diff HEAD`: the commit's render in its own process,
   alongside this tree's) against the same synth run twice, one after the other.
2. In process: a stack of k copies of the secrets component for growing k; milliseconds per
   registered resource should stay flat as the stack grows.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 7
BARE = [sys.executable, "-c", "import pulumi, pulumi_aws, pulumi_random"]
SYNTH = [sys.executable, "-m", "tools.synth", "--stack", "production"]
PLAN = [*SYNTH, "--diff", "HEAD"]
# The same synth through main() without the CLI's gc.disable()/gc.freeze(), to show what they save.
SYNTH_WITH_GC = [
    sys.executable,
    "-c",
    "import sys; from tools.synth import main; sys.exit(main([]))",
]


def _timed(command: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"bench: {' '.join(command)} failed with status {status}")
    return elapsed, usage.ru_maxrss * 1024


def whole_process() -> dict:
    bare, synth, with_gc, rss, plan = [], [], [], [], []
    for _ in range(RUNS):
        bare.append(_timed(BARE)[0])
        elapsed, peak = _timed(SYNTH)
        synth.append(elapsed)
        rss.append(peak)
        with_gc.append(_timed(SYNTH_WITH_GC)[0])
        plan.append(_timed(PLAN)[0])
    return {
        "plan_s": statistics.median(plan),
        "synth_with_gc_s": statistics.median(with_gc),
        "bare_import_s": statistics.median(bare),
        "synth_s": statistics.median(synth),
        "ratio": statistics.median(synth) / statistics.median(bare),
        "synth_peak_rss_mb": max(rss) / 2**20,
    }


PROGRAM = textwrap.dedent(
    """
    from components.secrets import ApplicationSecrets, ApplicationSecretsArgs
    from settings.model import DatabaseSettings, RotationSettings
    from stack_model.naming import StackNames
    import pulumi
    copies = int(pulumi.Config().require("copies"))
    database = DatabaseSettings(host="db.example.com", port=5432, name="bench", username="bench",
                                engine="postgres", password_length=20)
    for index in range(copies):
        # Logical names come from the component's name; physical ones (unique in AWS) from
        # the names object.
        ApplicationSecrets(f"secrets-{index}", ApplicationSecretsArgs(
            names=StackNames(f"bench{index}", "bench"), region="us-east-1", database=database,
            jwt_bytes=32,
            rotation_jwt="initial", jwt_key_generation=0, rotation_database="initial",
            rotation=RotationSettings.manual(), customer_managed_key=True,
            recovery_window_in_days=30, protect=True))
    """
)


def write_program(program_dir: Path) -> Path:
    """The project of k copies of the secrets component, in `program_dir`."""
    (program_dir / "Pulumi.yaml").write_text("name: bench\nruntime: python\n")
    (program_dir / "Pulumi.bench.yaml").write_text("config:\n  aws:region: us-east-1\n")
    (program_dir / "__main__.py").write_text(PROGRAM)
    return program_dir


def per_resource(copies: int, program_dir: Path) -> tuple[int, float]:
    from harness.synth import synthesize

    start = time.perf_counter()
    result = synthesize("bench", {"copies": str(copies)}, program_dir=program_dir)
    elapsed = time.perf_counter() - start
    return len(result.resources), elapsed * 1000 / len(result.resources)


def main() -> None:
    numbers = whole_process()
    print(f"bare import            {numbers['bare_import_s'] * 1000:8.1f} ms (median of {RUNS})")
    print(f"production synth       {numbers['synth_s'] * 1000:8.1f} ms (median of {RUNS})")
    print(f"ratio synth / import   {numbers['ratio']:8.2f}   (target <= 3.0)")
    print(
        f"synth with cyclic GC   {numbers['synth_with_gc_s'] * 1000:8.1f} ms "
        f"(ratio {numbers['synth_with_gc_s'] / numbers['bare_import_s']:.2f}; the CLI turns GC off)"
    )
    print(f"synth peak RSS         {numbers['synth_peak_rss_mb']:8.1f} MB (target <= 150)")
    two_renders = 2 * numbers["synth_s"]
    print(
        f"plan from HEAD         {numbers['plan_s'] * 1000:8.1f} ms "
        f"(two synths one after the other: {two_renders * 1000:.1f} ms; "
        f"ratio {numbers['plan_s'] / two_renders:.2f})"
    )
    with tempfile.TemporaryDirectory() as tmp:
        program_dir = write_program(Path(tmp))
        per_resource(1, program_dir)  # warm imports so they are not charged to the first size
        for copies in (1, 4, 16, 64):
            count, ms = per_resource(copies, program_dir)
            print(f"{copies:3d} components, {count:4d} resources: {ms:6.2f} ms per resource")
    failed = numbers["ratio"] > 3.0 or numbers["synth_peak_rss_mb"] > 150
    print("targets: " + ("MISSED" if failed else "met"))


if __name__ == "__main__":
    main()
