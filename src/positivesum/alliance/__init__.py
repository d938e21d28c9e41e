"""Alliance studies built on the planner: coalition values, fair shares, intervention-level matrix,
roles and command structures. Cooperative game theory itself lives in :mod:`positivesum.games`."""
