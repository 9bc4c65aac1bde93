"""What stands in for the rotation function that AWS's application creates, wherever the emulator
needs one (the emulator's own deploy and the engine's stand-in provider): a role Lambda may
assume, and code that does nothing, because moto is configured to run no function code here."""

from __future__ import annotations

import io
import json
import zipfile

HANDLER = "lambda_function.lambda_handler"
RUNTIME = "python3.12"
LAMBDA_TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


def code_that_does_nothing() -> bytes:
    """A deployment package whose handler returns at once."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as files:
        files.writestr("lambda_function.py", "def lambda_handler(event, context):\n    pass\n")
    return archive.getvalue()
