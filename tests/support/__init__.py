"""What the tests, the benchmarks and the engine tier stand on: the AWS emulator (moto on
127.0.0.1, with its corrections), real PostgreSQL servers, and the rotation lab with its fleets
and drivers. Imported as `tests.support` (the repository's root on sys.path)."""
