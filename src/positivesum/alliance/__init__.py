"""Alliance architecture: command structures, roles and (later) cooperative games."""
