"""planner: plan an emergency exit from a cloud provider, hour by hour."""

__version__ = "0.1.0"
