"""Benchmarks (`facilitation bench …`): figures for docs/benchmarks.md, never timed tests.

`classic` measures the log, socket round trips, regrouping stalls and double-espace;
`room` puts hundreds of simulated phones (`phones`) on real server processes and on a
bare Flask-SocketIO relay (`relay`) in the same run.
"""
