"""Use cases: read a board, decide, append events through the store, return what
happened. Transports call them and broadcast the result; nothing here knows Flask."""
