"""Models HiGHS cannot prove optimal quickly: for time limits, solver statuses and interrupted runs."""

from __future__ import annotations

import random

from tests.tiny import make_scenario


def multi_knapsack(items: int = 200, budgets: int = 8, seed: int = 1, saving: str = "opex_change"):
    """Measures with random savings drawing random amounts from eight budgets, each a quarter of the total:
    a multi-dimensional knapsack, which HiGHS cannot prove optimal in a second (nor in 30 s on the
    2-core development machine; 80 items and six budgets took 0.5-1.3 s, too close to the limit).
    ``saving``: the column the savings are in (``direct_co2_change`` makes the CO2e stage the hard one)."""
    rng = random.Random(seed)
    measures = [{"id": f"m{i}", "firm": "F", saving: -rng.randint(200, 1000)} for i in range(items)]
    use = [{"item": f"m{i}", "budget": f"b{b}", "amount": rng.randint(100, 1000)} for i in range(items) for b in range(budgets)]
    limits = [{"id": f"b{b}", "limit": sum(u["amount"] for u in use if u["budget"] == f"b{b}") // 4} for b in range(budgets)]
    return make_scenario(
        {"budgets": limits},
        resources=[{"id": "elec", "unit": "MWh", "buy_price": 1}],
        firms=[{"id": "F"}],
        flows=[{"firm": "F", "resource": "elec", "demand": 1}],
        measures=measures,
        budget_use=use,
    )
