"""No AGB resources: proves the Python language host, the CLI and the pulumi package work together."""

import sys

import pulumi

config = pulumi.Config()
pulumi.export("greeting", f"hello, {config.get('name') or 'world'}")
pulumi.export("python", sys.prefix)
pulumi.export("secretEcho", pulumi.Output.secret(config.get("secret") or "none"))
