"""`make bench` is run by hand, not by CI, so what it builds on must not drift unseen: every bench
module imports, and the synth bench's own program (k copies of the secrets component) renders
with today's component arguments. No timing is asserted here (bench numbers are ratios measured
side by side in one `make bench` run)."""

from __future__ import annotations

import importlib

import pytest

from bench.synth import per_resource, write_program


@pytest.mark.parametrize("module", ["bench.synth", "bench.manage_secrets", "bench.engine",
                                    "bench.rotation"])  # fmt: skip
def test_every_bench_module_imports(module):
    assert callable(importlib.import_module(module).main)


def test_the_synth_bench_program_renders_k_copies_of_the_component(tmp_path):
    program = write_program(tmp_path)
    one, _ = per_resource(1, program)
    three, _ = per_resource(3, program)
    assert one > 5
    assert three == 3 * one
