"""Transports: Socket.IO events, web pages and the JSON API, the command line, and what
they share (rooms and broadcast, refusal messages, public links, background tasks).
Each parses, calls one use case, answers, and announces after commit."""
