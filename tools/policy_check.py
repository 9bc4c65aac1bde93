"""Runs the CrossGuard pack's rules offline against a synthesized stack (`make policy`).

The rules are the very objects `policy/__main__.py` hands to PolicyPack; here they are called
with the program's inputs as the synth mocks saw them. `pulumi preview --policy-pack policy`
runs them on provider-checked inputs instead (docs/guardrails.md).

    python -m tools.policy_check [--stack NAME ...] [--config key=value ...]

Exit codes: 0 no mandatory violation, 1 mandatory violations, 2 invalid configuration,
3 no such stack, 64 bad arguments.
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass

from harness.synth import ROOT, SynthResult, synthesize

POLICY_DIR = ROOT / "policy"


def _pack_modules() -> list[str]:
    """The pack's modules, each before those that import it: the facts and the shared support,
    the areas, then guardrails, which gathers them."""
    areas = sorted(p.stem for p in POLICY_DIR.glob("pack_*.py"))
    first = ["pack_facts", "pack_support"]
    return [*first, *(a for a in areas if a not in first), "guardrails"]


def load_rules():
    """policy/guardrails.py and its area modules, loaded by path under the top-level names they
    have when the Pulumi CLI runs the pack from its own directory; sys.path is left alone."""
    for name in _pack_modules():
        if name not in sys.modules:
            spec = importlib.util.spec_from_file_location(name, POLICY_DIR / f"{name}.py")
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
    return sys.modules["guardrails"]


def config_defaults(policy) -> dict:
    """The config a policy gets without a `--policy-pack-config`: its schema's defaults, as the
    engine fills them in (pulumi/pulumi pkg/resource/analyzer/config.go,
    createConfigWithDefaults)."""
    schema = policy.config_schema
    properties = schema.properties if schema is not None else {}
    return {key: spec["default"] for key, spec in properties.items() if "default" in spec}


@dataclass(frozen=True)
class Violation:
    policy: str
    enforcement: str
    resource: str | None
    message: str


def _options(registration, parent_urn: str | None):
    from pulumi_policy import PolicyCustomTimeouts, PolicyResourceOptions

    options = registration.options
    return PolicyResourceOptions(
        protect=registration.protect,
        ignore_changes=list(options.get("ignoreChanges", [])),
        delete_before_replace=options.get("deleteBeforeReplace") or None,
        aliases=list(options.get("aliases", [])),
        custom_timeouts=PolicyCustomTimeouts(0, 0, 0),
        additional_secret_outputs=list(options.get("additionalSecretOutputs", [])),
        parent=parent_urn,
    )


def _plain(value):
    from harness.mock_cloud import render

    return render(value, show_secrets=False)


def check(result: SynthResult, policies=None) -> list[Violation]:
    """Every violation of the pack's rules in one synthesized stack."""
    from pulumi_policy import (
        EnforcementLevel,
        PolicyResource,
        ResourceValidationArgs,
        ResourceValidationPolicy,
        StackValidationArgs,
    )

    policies = policies if policies is not None else load_rules().POLICIES
    custom = [r for r in result.registrations if r.custom]
    violations: list[Violation] = []
    for policy in policies:
        level = (policy.enforcement_level or EnforcementLevel.MANDATORY).value

        def report(message, urn=None, policy=policy, level=level, resource=None):
            violations.append(Violation(policy.name, level, urn or resource, message))

        if isinstance(policy, ResourceValidationPolicy):
            for registration in custom:
                args = ResourceValidationArgs(
                    resource_type=registration.type,
                    props=_plain(registration.inputs),
                    urn=registration.urn,
                    name=registration.name,
                    opts=_options(registration, registration.parent_urn),
                    provider=None,
                    config=config_defaults(policy),
                )
                for validate in (
                    policy.validate if isinstance(policy.validate, list) else [policy.validate]
                ):
                    validate(args, lambda m, u=None, r=registration.urn: report(m, u or r))
        else:
            resources = {
                r.urn: PolicyResource(
                    resource_type=r.type,
                    props=_plain(r.state),
                    urn=r.urn,
                    name=r.name,
                    opts=_options(r, r.parent_urn),
                    provider=None,
                    parent=None,
                    dependencies=[],
                    property_dependencies={},
                )
                for r in custom
            }
            # What each input is built from, as the engine hands it to a stack policy.
            for r in custom:
                resources[r.urn].property_dependencies = {
                    name: [resources[u] for u in urns if u in resources]
                    for name, urns in r.property_dependencies.items()
                }
            args = StackValidationArgs(list(resources.values()), config_defaults(policy))
            policy.validate(args, report)
    return violations


def main(argv=None) -> int:
    from tools.synth import (
        _Parser,
        add_config_argument,
        parse_overrides,
        refused_input,
        report_refused,
    )

    parser = _Parser(prog="python -m tools.policy_check", description=__doc__.split("\n\n")[0])
    parser.add_argument("--stack", action="append", help="stack(s) to check (default: production)")
    add_config_argument(parser)
    args = parser.parse_args(argv)
    failed = False
    for stack in args.stack or ["production"]:
        try:
            violations = check(
                synthesize(
                    stack,
                    parse_overrides(args.config),
                    secret_overrides=parse_overrides(args.secret, secret=True),
                )
            )
        except refused_input() as error:
            return report_refused("policy_check", error)
        mandatory = [v for v in violations if v.enforcement == "mandatory"]
        failed |= bool(mandatory)
        advisory = len(violations) - len(mandatory)
        print(f"{stack}: {len(mandatory)} mandatory, {advisory} advisory violation(s)")
        for violation in violations:
            print(f"  [{violation.enforcement}] {violation.policy}: {violation.message}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
