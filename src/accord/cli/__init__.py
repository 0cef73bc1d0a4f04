"""Command-line interface (placeholder until the CLI lands)."""


def main() -> None:
    """Entry point of the ``accord`` command."""
    raise SystemExit("accord: CLI not built yet")
