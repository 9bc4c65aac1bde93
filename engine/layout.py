"""Where the engine tier's pieces live: everything built or written goes under `.engine/`
(ignored by git), so a fresh clone builds it once and later runs reuse it."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GO_MODULE = ROOT / "engine" / "cli"
TIER = ROOT / ".engine"
# The CLI and the plugins the CLI looks for next to its own executable ("bundled" plugins:
# sdk/go/common/workspace/plugins.go, IsPluginBundled): the language host and pulumi-python.
CLI_DIR = TIER / "cli"
CLI = CLI_DIR / "pulumi"
# What the tier puts first on PATH: `pulumi` there is engine.launcher.
BIN_DIR = TIER / "bin"
# The plugin cache the tier's PULUMI_HOME points at (`<kind>-<name>-v<version>/`).
PLUGINS = TIER / "plugins"
PULUMI_MODULE = "github.com/pulumi/pulumi/pkg/v3"
SDK_MODULE = "github.com/pulumi/pulumi/sdk/v3"
# The project-file schema the pinned CLI embeds (sdk/go/common/workspace/project.json), copied
# from the Go module by `make engine`; the port in harness/pulumi_cli is tested against it.
PROJECT_SCHEMA = TIER / "project.json"


@cache
def pinned_version() -> str:
    """The CLI version engine/cli/go.mod requires (`v3.274.0`)."""
    found = re.search(
        rf"^\s*{re.escape(PULUMI_MODULE)} (v\S+)", (GO_MODULE / "go.mod").read_text(), re.M
    )
    if not found:
        raise RuntimeError(f"engine/cli/go.mod requires no {PULUMI_MODULE}")
    return found.group(1)


def sdk_plugin(package: str) -> tuple[str, str]:
    """(plugin name, version) the installed Python SDK `package` asks the engine for: its
    pulumi-plugin.json, which the SDK sends with every registration."""
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise RuntimeError(f"the Python package {package} is not installed")
    info = json.loads((Path(spec.origin).parent / "pulumi-plugin.json").read_text())
    return info["name"], info["version"]
