"""A port of the Pulumi CLI's project and stack configuration rules, for the offline harness.

Each module follows one part of pulumi/pulumi's Go source (cited per function) so that the
synth and the tests accept and refuse exactly what `pulumi preview` would, with its messages:

- `yaml_v3`: how gopkg.in/yaml.v3 (the CLI's YAML library) resolves plain scalars;
- `config_values`: config keys, values, property paths, Map get/set/remove and decryption
  (sdk/go/common/resource/config);
- `workspace`: loading and validating Pulumi.yaml, Pulumi.<stack>.yaml and PulumiPolicy.yaml
  (sdk/go/common/workspace);
- `stack_config`: merging project defaults into the stack config and validating it
  (pkg/workspace/config.go), then the map the language host hands the program;
- `config_commands`: `pulumi config set` and `pulumi config rm` (pkg/cmd/pulumi/config).

Not ported: ESC environments (this project uses none) and real secrets providers (offline, an
encrypted value that was not encrypted by the harness itself cannot be read).
"""
