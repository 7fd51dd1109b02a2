"""OR-Library capacitated warehouse location files (J.E. Beasley): cap41 ... cap134, capa/b/c.

Format (whitespace separated, line breaks carry no meaning)::

    m n
    capacity_1 fixed_cost_1          (m rows; in capa/b/c the capacity is the word 'capacity')
    ...
    demand_1 cost_1_1 ... cost_m_1   (n customers: demand, then the cost of supplying ALL
    ...                               of that demand from warehouse 1..m)

The published optima (``capopt.txt``) belong to the formulation with split
demand: open warehouse i at fixed cost f_i, ship any share of customer j's
demand from open warehouses, at most s_i out of warehouse i, and pay
share x cost_ij.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CflpInstance:
    """A capacitated facility location instance.

    ``allocation_cost[i][j]`` is the cost of serving all of customer j's
    demand from warehouse i (not a per-unit cost).
    """

    name: str
    capacity: tuple[float, ...]
    fixed_cost: tuple[float, ...]
    demand: tuple[float, ...]
    allocation_cost: tuple[tuple[float, ...], ...]

    @property
    def n_warehouses(self) -> int:
        return len(self.capacity)

    @property
    def n_customers(self) -> int:
        return len(self.demand)


def read_cflp(text: str, name: str, capacity: float | None = None) -> CflpInstance:
    """Parse an OR-Library ``cap*`` file.

    ``capacity`` is required for capa/capb/capc, whose capacity column holds the
    word ``capacity`` (capopt.txt gives four capacities, each with its optimum);
    it must not be given for files with numeric capacities.

    >>> small = read_cflp("2 1\\n10 5.\\n20 7.\\n4\\n8. 12.\\n", "tiny")
    >>> small.capacity, small.fixed_cost, small.demand, small.allocation_cost
    ((10.0, 20.0), (5.0, 7.0), (4.0,), ((8.0,), (12.0,)))
    """
    tokens = text.split()
    try:
        m, n = int(tokens[0]), int(tokens[1])
    except (IndexError, ValueError):
        raise ValueError(f"{name}: the first line must be 'm n' (warehouses, customers)") from None
    expected = 2 + 2 * m + n * (1 + m)
    if len(tokens) != expected:
        raise ValueError(f"{name}: expected {expected} numbers for {m} warehouses x {n} customers, found {len(tokens)}")
    position = 2
    capacities, fixed = [], []
    for _ in range(m):
        capacity_token, fixed_token = tokens[position], tokens[position + 1]
        position += 2
        if capacity_token.lower() == "capacity":
            if capacity is None:
                raise ValueError(f"{name}: capacities are the word 'capacity'; pass one of the capacities listed in capopt.txt")
            capacities.append(float(capacity))
        else:
            if capacity is not None:
                raise ValueError(f"{name}: the file gives capacities itself; do not pass capacity={capacity}")
            capacities.append(float(capacity_token))
        fixed.append(float(fixed_token))
    demand = []
    cost_by_customer = []
    for _ in range(n):
        demand.append(float(tokens[position]))
        cost_by_customer.append([float(t) for t in tokens[position + 1 : position + 1 + m]])
        position += 1 + m
    allocation = tuple(tuple(cost_by_customer[j][i] for j in range(n)) for i in range(m))
    return CflpInstance(name, tuple(capacities), tuple(fixed), tuple(demand), allocation)
