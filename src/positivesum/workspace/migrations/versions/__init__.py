"""One module per schema revision, applied in order from an empty database."""
