"""Records: SQLModel tables, the engine, migrations."""
