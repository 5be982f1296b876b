"""Hypothesis strategies shared by the solver property tests: knobs of the small catalog and
inventory in tests/builders.py."""

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

SMALL_SETTINGS = settings(max_examples=15, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])

small_cases = st.fixed_dictionaries({
    "quota_a": st.integers(0, 30), "quota_b": st.integers(0, 60), "stock": st.integers(0, 8),
}), st.fixed_dictionaries({
    "web": st.integers(1, 40), "db": st.integers(1, 8), "survive": st.integers(0, 1),
    "max_share": st.sampled_from([0.4, 0.6, 1.0]), "egress_gbps": st.sampled_from([0.1, 1, 5]),
    "deadline": st.integers(4, 40),
})
