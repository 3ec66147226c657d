"""The ``reportgen`` subcommands: one module per command, each a function the CLI calls."""
