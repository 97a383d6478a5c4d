"""Storage: the database, its tables and migrations, the event log (the only writer of
events) and the stream caches with the one write path. Imports only the domain."""
