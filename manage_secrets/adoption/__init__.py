"""`adopt`: finds what the old script and Terraform built under this stack's names, and writes
what `pulumi import --file` and the stack config need so that the first `pulumi up` adopts it
instead of creating anew. Read-only: nothing is changed in AWS.

Writes, into `--out`:
- `import.json`, in the format `pulumi import --file` reads (pulumi/pulumi
  pkg/cmd/pulumi/operations/import.go, importFile and importSpec): the program's components as
  `component` entries and each found resource under the logical name the program declares
  (stack_model/logical_names.py), with the id its provider imports by;
- `config.sh`, the `pulumi config set` commands that keep today's values; secret ones reach
  `pulumi config set --secret KEY` through a pipe from `manage-secrets get-value`, so no value
  is ever on a command line, in a file or on the screen;
- `changes.json`, what the first `pulumi up` changes on each imported resource, property by
  property (each with the config key it depends on), which it also prints.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from manage_secrets.adoption.discovery import discover
from manage_secrets.adoption.guards import check_keepable
from manage_secrets.adoption.import_file import import_file
from manage_secrets.adoption.planned import planned
from manage_secrets.adoption.report import changes, config_script
from manage_secrets.aws import Aws
from stack_model.naming import StackNames


def adopt(aws: Aws, names: StackNames, out: Path, app_option: str) -> str:
    discovery = discover(aws, names)
    notes = check_keepable(discovery)
    out.mkdir(parents=True, exist_ok=True)
    importing = import_file(discovery)
    (out / "import.json").write_text(json.dumps(importing, indent=4) + "\n")
    script = out / "config.sh"
    script.write_text(config_script(discovery, app_option, discovery.region))
    script.chmod(0o755)
    # The same per resource and property, for review tooling (and the engine tier's test).
    (out / "changes.json").write_text(
        json.dumps([asdict(p) for p in planned(discovery, notes)], indent=4) + "\n"
    )
    found = [
        f"  {s.name} ({s.arn}; key {s.kms_key or 'aws/secretsmanager'})" for s in discovery.secrets
    ]
    lines = [
        f"adopt: {names.prefix} in {discovery.region} (read only: nothing was changed)",
        "found:",
        *found,
        f"  {names.execution_role}" + ("" if discovery.role_exists else " (not found)"),
        f"  {discovery.task_definition or names.task_family + ' (not found)'}",
        f"wrote {out / 'import.json'} ({len(importing['resources'])} entries) and {script}",
        "the first `pulumi up` after the import will:",
        *[f"  {line}" for line in changes(discovery, notes)],
        "next (docs/adopting.md): "
        f"sh {script}; pulumi import --stack {names.stack} --file {out / 'import.json'} "
        "--generate-code=false; pulumi preview --diff",
    ]
    return "\n".join(lines)
