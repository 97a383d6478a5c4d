"""Background tasks of a server process: the live regrouping and the double-espace
nudges, both started from commit listeners."""
