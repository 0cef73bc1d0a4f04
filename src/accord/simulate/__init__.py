"""A simulated B2B company with known ground truth, written as real export files.

The simulator imitates the systems a company runs (HubSpot, Salesforce, Google Ads,
Meta, Zendesk, Stripe, its product) and writes their exports, plus
``ground_truth.json`` with everything it planted, so the demo, the tests and the
benchmarks exercise the same load path as real data and can be scored. It is the bottom
layer: it imports nothing else from Accord but the error tree.

>>> from accord.simulate import simulate_company  # doctest: +SKIP
>>> simulate_company(Path("demo-data"), accounts=2000, seed=42)  # doctest: +SKIP
"""

from accord.simulate.company import SimulatedFile, SimulationSummary, simulate_company

__all__ = ["SimulatedFile", "SimulationSummary", "simulate_company"]
