"""agentsdb: the database of an AI agents platform, built SQL-first for Supabase."""

__version__ = "0.1.0"
