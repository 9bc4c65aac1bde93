"""What a resource handler acts with: botocore clients for the resource's region (pulumi-aws 7
takes a `region` on most resources, else the provider's), the account, and AWS errors turned into
the one line the engine prints, as the real provider words them ("creating <thing> (<name>):
<code>: <message>").

The clients reach whatever AWS_ENDPOINT_URL names: in the engine tier, the moto server.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from engine.providers.server import ProviderError

T = TypeVar("T")


@dataclass
class Clients:
    """One botocore session for the provider's life (a session loads each service model once),
    its clients per service and region, and the account, asked once."""

    region: str
    _made: dict = field(default_factory=dict)
    _session: object = None
    _account: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, service: str, region: str | None = None):
        import botocore.session

        key = (service, region or self.region)
        with self._lock:
            if self._session is None:
                self._session = botocore.session.get_session()
            if key not in self._made:
                self._made[key] = self._session.create_client(service, region_name=key[1])
        return self._made[key]

    @property
    def account(self) -> str:
        if self._account is None:
            self._account = self("sts").get_caller_identity()["Account"]
        return self._account


@dataclass
class Context:
    clients: Clients
    region: str
    # Says something about the resource in the CLI's diagnostics (what moto cannot emulate).
    note: Callable[[str], None] = print

    def client(self, service: str):
        return self.clients(service, self.region)

    @property
    def account(self) -> str:
        return self.clients.account

    def arn(self, service: str, resource: str, regional: bool = True) -> str:
        return f"arn:aws:{service}:{self.region if regional else ''}:{self.account}:{resource}"


def aws_call(doing: str, action: Callable[[], T]) -> T:
    """Runs one AWS call; a refusal becomes a ProviderError naming what was being done."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return action()
    except ClientError as error:
        details = error.response.get("Error", {})
        raise ProviderError(
            f"{doing}: {details.get('Code', 'Error')}: {details.get('Message', '')}".rstrip(": ")
        ) from None
    except BotoCoreError as error:
        raise ProviderError(f"{doing}: {error}") from None


def not_found(error_code: str) -> bool:
    return error_code in {
        "ResourceNotFoundException",
        "NoSuchEntity",
        "NotFoundException",
        "NotFound",
        "NoSuchBucket",
        "TrailNotFoundException",
        "DBInstanceNotFound",
        "StateMachineDoesNotExist",
    }


def missing(action: Callable[[], T]) -> T | None:
    """The answer of a read, or None when AWS says the resource does not exist (a refresh then
    drops it from the state, as the real provider does)."""
    from botocore.exceptions import ClientError

    try:
        return action()
    except ClientError as error:
        if not_found(error.response.get("Error", {}).get("Code", "")):
            return None
        raise


def tag_list(tags: dict | None, key: str = "Key", value: str = "Value") -> list[dict]:
    return [{key: k, value: v} for k, v in sorted((tags or {}).items())]


def tag_map(tags: list | None, key: str = "Key", value: str = "Value") -> dict:
    return {item[key]: item[value] for item in tags or []}


def same_json(text: Any, other: Any) -> bool:
    """Whether two JSON documents (policies, container definitions) mean the same: the providers
    suppress a diff between equivalent documents."""
    try:
        first = json.loads(text) if isinstance(text, str) else text
        second = json.loads(other) if isinstance(other, str) else other
    except (TypeError, ValueError):
        return text == other
    return first == second
