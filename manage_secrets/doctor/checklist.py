"""What every check writes to: the checklist of one `doctor` run, with what the checks share (the
secrets as DescribeSecret answered, the KMS keys described once per key and region)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from manage_secrets.aws import Aws
from manage_secrets.errors import CliError
from stack_model.naming import StackNames


@dataclass(frozen=True)
class Check:
    title: str
    passed: bool
    detail: str = ""
    fix: str = ""
    # Works, but is broader or weaker than the stack makes it: reported, not a failure.
    warning: bool = False


@dataclass
class Checklist:
    aws: Aws
    names: StackNames
    other_regions: list[str] = field(default_factory=list)
    # (Tls, Address or None) when the current credentials are to be tried (--sign-in).
    database: tuple | None = None
    checks: list[Check] = field(default_factory=list)
    described: dict[str, dict] = field(default_factory=dict)
    keys: dict[tuple[str, str | None], dict] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.other_regions = [r for r in self.other_regions if r != self.aws.region]

    def record(self, title: str, passed: bool, detail: str = "", fix: str = "") -> None:
        self.checks.append(Check(title, passed, detail, fix))

    def warn(self, title: str, detail: str, fix: str) -> None:
        """Works, but is broader or weaker than the stack makes it: reported, not a failure."""
        self.checks.append(Check(title, True, detail, fix, warning=True))

    def attempt(self, title: str, probe: Callable[[], str], fix: str | Callable) -> bool:
        """Runs one probe; an AWS error becomes a failed check instead of ending the run. `fix`
        may depend on the error (a function of it)."""
        try:
            self.record(title, True, probe())
            return True
        except CliError as error:
            self.record(title, False, str(error), fix(error) if callable(fix) else fix)
            return False

    def key_metadata(self, key: str, region: str | None = None) -> dict:
        # The role check and the key check both need it: one DescribeKey per key and region.
        if (key, region) not in self.keys:
            kms = self.aws.client("kms", region)
            self.keys[(key, region)] = self.aws.call(
                lambda: kms.describe_key(KeyId=key), key, region
            )["KeyMetadata"]
        return self.keys[(key, region)]
