"""The `coffeechat` command (entry point `coffeechat.cli:main`)."""

from coffeechat.cli.app import app, main

__all__ = ["app", "main"]
