"""One module per subcommand; each is a thin layer over the core."""
