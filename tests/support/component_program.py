"""Programs of a few components, written as source and rendered by the offline synth in a
project of their own, for tests of how components wire together."""

from __future__ import annotations

import tempfile
from pathlib import Path

from harness.synth import SynthResult, synthesize

# `demo_secrets(name, app, **overrides)`: the secrets component with test arguments (the manual
# scheme, a database on db.example.com), any of them overridden by keyword.
DEMO_SECRETS = """
import pulumi, pulumi_aws as aws
from components.secrets import ApplicationSecrets, ApplicationSecretsArgs
from settings.model import DatabaseSettings, RotationSettings
from stack_model.naming import StackNames

def demo_secrets(name="s", app="demo", **overrides):
    arguments = dict(
        names=StackNames(app, "production"), region="us-east-1",
        database=DatabaseSettings(host="db.example.com", port=5432, name="demo", username="demo",
                                  engine="postgres", password_length=20),
        jwt_bytes=32, rotation_jwt="initial", jwt_key_generation=0, rotation_database="initial",
        rotation=RotationSettings.manual(), customer_managed_key=False,
        recovery_window_in_days=30, protect=True)
    return ApplicationSecrets(name, ApplicationSecretsArgs(**{**arguments, **overrides}))
"""


def run_program(source: str) -> SynthResult:
    """Renders `source` as the `__main__.py` of project `demo`, stack production in eu-west-1."""
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        (directory / "Pulumi.yaml").write_text("name: demo\nruntime: python\n")
        (directory / "Pulumi.production.yaml").write_text("config:\n  aws:region: eu-west-1\n")
        (directory / "__main__.py").write_text(source)
        return synthesize("production", program_dir=directory)
