def main() -> None:  # placeholder until the CLI lands
    raise SystemExit("not yet")
