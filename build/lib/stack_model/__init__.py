"""What every part of the project agrees on, with no Pulumi and no AWS SDK imported: the
physical names of a stack's resources, the secrets' JSON shape, what AWS accepts for names,
tags and regions, and IAM policy documents (building them and evaluating them).

The components, the settings, the operations CLI and the tests import it; nothing here imports
them.
"""
