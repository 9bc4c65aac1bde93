"""`make preview STACK=production`: the real `pulumi preview` of a committed stack, on a scratch
copy of this working tree, through the stand-in providers against the emulator (nothing leaves
127.0.0.1). The output is the CLI's own.

    python -m engine.preview [--stack NAME] [--policy-pack] [--diff]

Exit codes: the CLI's (0 previewed), 1 when the tier is not built (`make engine`), 64 bad
arguments.
"""

from __future__ import annotations

import argparse
import sys

from engine.session import EngineNotReady, EngineSession


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m engine.preview", description=__doc__)
    parser.add_argument("--stack", default="production")
    parser.add_argument("--policy-pack", action="store_true", help="with the CrossGuard pack")
    parser.add_argument("--diff", action="store_true", help="every property of each step")
    args = parser.parse_args(argv)
    try:
        session = EngineSession()
    except EngineNotReady as error:
        print(f"preview: {error}", file=sys.stderr)
        return 1
    with session:
        project = session.project()
        if not (project / f"Pulumi.{args.stack}.yaml").exists():
            print(f"preview: no Pulumi.{args.stack}.yaml in this project", file=sys.stderr)
            return 64
        session.init_stack(project, args.stack).check()
        extra = ["--policy-pack", "policy"] if args.policy_pack else []
        extra += ["--diff"] if args.diff else []
        done = session.pulumi(project, "preview", "--stack", args.stack, *extra)
        sys.stdout.write(done.stdout)
        sys.stderr.write(done.stderr)
        return done.returncode


if __name__ == "__main__":
    sys.exit(main())
