"""The package's public names sit at its top."""

from __future__ import annotations


def test_public_names_import_from_the_package():
    import agentsdb
    from agentsdb import AgentsDBError, ApiKey, Client, NotFound  # noqa: F401

    for name in agentsdb.__all__:
        assert hasattr(agentsdb, name), name
    assert agentsdb.Client.postgres
