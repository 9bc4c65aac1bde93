"""`make engine`: the Pulumi CLI and the stand-in plugins of the engine tier, in `.engine/`.

The CLI is, in this order: the one already in `.engine/cli/` when it is still compatible; a
`pulumi` on PATH when it is compatible (what a user's laptop has; it is copied, so the plugins
beside the tier's copy are the tier's own); otherwise built from engine/cli's Go module (about
five minutes cold on two cores, seconds with Go's build cache warm). Compatible means Pulumi 3,
no older than the Python SDK the program runs on.

    python -m engine.install [--check]

Exit codes: 0 ready, 1 the CLI cannot be had (the line says why and what to install), 64 bad
arguments.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

from engine import layout

VERSION = re.compile(r"v?(\d+)\.(\d+)\.(\d+)")


class EngineUnavailable(Exception):
    """The CLI can neither be found nor built here; `str()` says what to install."""


def _version_of(executable: Path | str) -> tuple[int, int, int] | None:
    try:
        done = subprocess.run(
            [str(executable), "version"], capture_output=True, text=True, timeout=60, check=False
        )
    except OSError:
        return None
    found = VERSION.match(done.stdout.strip())
    return tuple(int(part) for part in found.groups()) if found and done.returncode == 0 else None


def minimum_version() -> tuple[int, int, int]:
    """The Python SDK's version: an older CLI may not speak what the SDK sends."""
    return tuple(int(p) for p in VERSION.match(importlib.metadata.version("pulumi")).groups())


def compatible(version: tuple[int, int, int] | None) -> bool:
    return version is not None and version[0] == 3 and version >= minimum_version()


def _from_path() -> Path | None:
    """A compatible `pulumi` on PATH that is not the tier's own launcher."""
    search = os.pathsep.join(
        entry
        for entry in os.environ.get("PATH", "").split(os.pathsep)
        if entry and Path(entry).resolve() != layout.BIN_DIR.resolve()
    )
    found = shutil.which("pulumi", path=search)
    if found and compatible(_version_of(found)):
        return Path(found).resolve()
    return None


def _build(out) -> None:
    go = shutil.which("go")
    if go is None:
        raise EngineUnavailable(
            "no Pulumi CLI here and no Go to build one: install Pulumi 3 "
            f"(>= {'.'.join(map(str, minimum_version()))}) or Go 1.26, then `make engine`"
        )
    version = layout.pinned_version()
    out(f"== building the Pulumi CLI {version} from engine/cli (cold: about five minutes)")
    layout.CLI_DIR.mkdir(parents=True, exist_ok=True)
    partial = layout.CLI.with_name("pulumi.partial")
    flags = f"-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version={version}"
    done = subprocess.run(
        [
            go,
            "build",
            "-trimpath",
            "-ldflags",
            flags,
            "-o",
            str(partial),
            f"{layout.PULUMI_MODULE}/cmd/pulumi",
        ],
        cwd=layout.GO_MODULE,
        check=False,
    )
    if done.returncode != 0:
        raise EngineUnavailable(
            f"`go build` of the Pulumi CLI failed (exit {done.returncode}); its output is above"
        )
    partial.replace(layout.CLI)


def copy_project_schema() -> bool:
    """The pinned CLI's own project-file schema, from its SDK module, into the tier; False where
    there is no Go to fetch the module with (a laptop with `pulumi` only)."""
    go = shutil.which("go")
    if go is None:
        return False
    done = subprocess.run(
        [go, "mod", "download", "-json", layout.SDK_MODULE],
        cwd=layout.GO_MODULE,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise EngineUnavailable(
            f"`go mod download {layout.SDK_MODULE}` failed (exit {done.returncode}): "
            f"{(done.stderr.strip().splitlines() or ['no message'])[-1]}"
        )
    source = Path(json.loads(done.stdout)["Dir"]) / "go" / "common" / "workspace" / "project.json"
    shutil.copyfile(source, layout.PROJECT_SCHEMA)
    return True


def ensure_cli(out=print) -> Path:
    if compatible(_version_of(layout.CLI)):
        return layout.CLI
    layout.CLI_DIR.mkdir(parents=True, exist_ok=True)
    found = _from_path()
    if found is not None:
        out(f"== using the Pulumi CLI at {found} (a copy, in {layout.CLI_DIR})")
        shutil.copy2(found, layout.CLI)
    else:
        _build(out)
    return layout.CLI


def _script(path: Path, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = (
        "#!/bin/sh\n# Written by `make engine` (engine/install.py); not part of the repository.\n"
    )
    path.write_text(text + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def _tier_python(module: str) -> str:
    """A command running `module` of this checkout with the tier's Python."""
    return f'PYTHONPATH="{layout.ROOT}" exec "{sys.executable}" -P -m {module} "$@"'


def write_plugins() -> None:
    """The stand-ins, where the CLI finds them."""
    # The launcher: `pulumi` inside the tier (engine/launcher.py).
    _script(layout.BIN_DIR / "pulumi", _tier_python("engine.launcher"))
    # Bundled plugins, found next to the CLI's executable: the language host's RunPlugin
    # (policy packs), and pulumi-python, which the real distribution ships as a script that runs
    # `python -u -m pulumi.dynamic` (dynamic providers) in the program's Python.
    _script(layout.CLI_DIR / "pulumi-language-python", _tier_python("engine.language_host"))
    _script(
        layout.CLI_DIR / "pulumi-resource-pulumi-python",
        f'exec "${{PULUMI_PYTHON_CMD:-{sys.executable}}}" -u -m pulumi.dynamic "$@"',
    )
    # The providers, in the plugin cache at the versions the installed SDKs ask for.
    shutil.rmtree(layout.PLUGINS, ignore_errors=True)
    for package, module in (
        ("pulumi_aws", "engine.providers.aws"),
        ("pulumi_random", "engine.providers.random"),
    ):
        name, version = layout.sdk_plugin(package)
        folder = layout.PLUGINS / f"resource-{name}-v{version}"
        _script(folder / f"pulumi-resource-{name}", _tier_python(module))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m engine.install", description=__doc__)
    parser.add_argument(
        "--check", action="store_true", help="only say whether the tier is ready (exit 0 or 1)"
    )
    args = parser.parse_args(argv)
    if args.check:
        ready = compatible(_version_of(layout.CLI)) and (layout.BIN_DIR / "pulumi").exists()
        print("ready" if ready else "not ready: run `make engine`")
        return 0 if ready else 1
    try:
        cli = ensure_cli()
        copy_project_schema()
    except EngineUnavailable as error:
        print(f"engine: {error}", file=sys.stderr)
        return 1
    write_plugins()
    version = ".".join(map(str, _version_of(cli)))
    print(f"engine: Pulumi CLI {version} and the stand-in plugins are in {layout.TIER}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
