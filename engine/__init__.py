"""The engine tier: the real Pulumi CLI, run against the moto emulator through stand-in providers.

- `engine/cli/`: the Go module the CLI is built from (the version pin);
- `engine.install` (`make engine`): the CLI in `.engine/cli/` (a compatible `pulumi` from PATH, or
  built), and the stand-in plugins where the CLI looks for plugins;
- `engine.launcher`: what `pulumi` is inside the tier: the real CLI, with the program served by
  the Python SDK's own language server (`--client`, the Automation API's inline mode), because
  the Python language host's Go module is not served by the module proxy;
- `engine.language_host`: the one part of the language host the engine still needs, RunPlugin,
  which starts a Python policy pack exactly as the real host does (`python -m pulumi.policy`);
- `engine.providers`: stand-ins for pulumi-aws and pulumi-random, speaking Pulumi's provider
  protocol (the SDK's gRPC stubs) and acting on the moto server;
- `engine.session`: a local file backend, a passphrase secrets provider and an emulator, for the
  tests, `make preview` and the benchmarks.
"""
