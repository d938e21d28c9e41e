"""The declarative alliance model: frozen pydantic schemas, the YAML loader with imports and overrides,
and the consistency checks (docs/reference/schema.md)."""
