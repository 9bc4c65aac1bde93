"""The stand-in aws provider's schema cache, as the engine drives it: from several gRPC threads at
once, on a first run when nothing is cached yet (a fresh clone's `make test` met this)."""

from __future__ import annotations

import threading

import pytest

from engine.providers.aws import schema

TOKENS = [
    "aws:secretsmanager/secretVersion:SecretVersion",
    "aws:secretsmanager/secret:Secret",
    "aws:iam/role:Role",
    "aws:ecs/taskDefinition:TaskDefinition",
]


@pytest.fixture()
def empty_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(
        schema, "_cache_file", lambda token: tmp_path / f"{token}.json".replace("/", "_")
    )
    schema.resource_inputs.cache_clear()
    yield tmp_path
    schema.resource_inputs.cache_clear()


def test_threads_asking_for_one_schema_at_once_all_get_it(empty_cache):
    threads, failures, answers = 8, [], []
    start = threading.Barrier(threads * len(TOKENS))

    def ask(token: str) -> None:
        start.wait()
        try:
            answers.append((token, schema.resource_inputs(token)))
        except OSError as error:  # what the engine showed as "Preview failed"
            failures.append(repr(error))

    workers = [threading.Thread(target=ask, args=(t,)) for t in TOKENS for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert failures == []
    assert len(answers) == threads * len(TOKENS)
    assert sorted(p.name for p in empty_cache.iterdir()) == sorted(
        f"{t}.json".replace("/", "_") for t in TOKENS
    )
    # A later process reads the cache and gets the same answer.
    schema.resource_inputs.cache_clear()
    assert {t: schema.resource_inputs(t) for t in TOKENS} == dict(answers)
