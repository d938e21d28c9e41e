"""Positive-sum planner: option catalogue, deterrence surrogate, MILP (build → solve → extract), regimes."""
