"""`pulumi-resource-aws` of the engine tier (engine/install.py writes the plugin that runs it)."""

from engine.providers.aws.provider import AwsStandIn
from engine.providers.server import serve

serve(AwsStandIn())
