"""The demo generator: the fictional K-beauty catalog in ``data/`` and its ground truth.

Nothing the recommender loads imports this package. ``tables`` holds the demo world's fixed
tables, ``oracle`` the preference model and :class:`~recsys.demo.oracle.Oracle` (the true
purchase probabilities, the ceiling benchmarks compare with), ``generate`` the seeded
generator that writes ``data/`` byte for byte (``python -m recsys.demo`` or
``personabot catalog generate``).
"""
