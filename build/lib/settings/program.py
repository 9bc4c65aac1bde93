"""The settings of the running Pulumi program: the one part of `settings` that needs the Pulumi
SDK (the operations CLI validates values with the rest, without it)."""

from __future__ import annotations

import pulumi

from settings import ConfigError, Settings, load_settings


class ProgramConfigError(ConfigError, pulumi.RunError):
    """A RunError, so `pulumi preview` prints the problems without a traceback."""


def settings_from_pulumi() -> Settings:
    """Reads the running program's configuration (CLI or synth harness alike)."""
    config = pulumi.Config()
    project = pulumi.get_project()
    # The Python language host hands the program the whole config map in PULUMI_CONFIG
    # (pulumi/pulumi sdk/python/cmd/pulumi-language-python/main.go, Run); it is the only public
    # way to see which keys a stack sets.
    namespace = f"{project}:"
    present = [
        key[len(namespace) :]
        for key in pulumi.runtime.get_config_env()
        if key.startswith(namespace)
    ]
    try:
        return load_settings(
            project=project,
            stack=pulumi.get_stack(),
            raw=config.get,
            is_secret=lambda key: pulumi.runtime.is_config_secret(f"{project}:{key}"),
            region=pulumi.Config("aws").get("region"),
            as_secret=pulumi.Output.secret,
            present=present,
        )
    except ConfigError as error:
        raise ProgramConfigError(error.project, error.problems) from None
