"""A solution read out of a solved model in one pass: every variable's value, and linear expressions evaluated fast.

Result tables used to read ``var.value`` index by index while they were built
and to evaluate each accounting expression with Pyomo's generic expression
walker; on a park what-if that cost more than HiGHS. Here:

- :class:`SolutionValues` copies the value of every variable once, into plain
  dicts: tables built from it later (after the model was re-solved for the
  next what-if) still show this solution;
- :func:`linear_value` evaluates a linear named expression (the cost and CO2e
  components of :mod:`~eipopt.model.accounting`) as
  ``sum_k (prod factors_k) * value(var_k) + sum_j prod factors_j``, its terms
  found once per expression by walking it, the factors (mutable parameters,
  numbers) read at each call. Expressions of another shape are evaluated by
  Pyomo (``pyo.value``).
"""

from __future__ import annotations

import weakref
from collections.abc import Hashable

import pyomo.core as pyo
from pyomo.common.numeric_types import native_numeric_types
from pyomo.core.expr.numeric_expr import (
    LinearExpression,
    MonomialTermExpression,
    NegationExpression,
    ProductExpression,
    SumExpression,
)


class SolutionValues:
    """{variable name: {index: value}} of every variable of a model, copied at construction."""

    def __init__(self, model: pyo.ConcreteModel):
        self._values = {var.local_name: {index: data.value for index, data in var.items()} for var in model.component_objects(pyo.Var)}

    def value(self, name: str, index: Hashable) -> float:
        """The value, 0.0 where the variable has none (or does not exist at this index); -0.0 read as 0.0."""
        value = self._values[name].get(index)
        return float(value) if value else 0.0

    def binary(self, name: str, index: Hashable) -> bool:
        """A binary's value rounded (HiGHS returns binaries within its tolerance)."""
        value = self._values[name].get(index)
        return value is not None and value > 0.5

    def has(self, name: str, index: Hashable) -> bool:
        return index in self._values[name]


class _NotLinear(Exception):
    """An expression node outside what :func:`_terms` flattens."""


#: model -> {id of a named expression: (the expression object flattened, its terms or None)}
_FLATTENED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def linear_value(model: pyo.ConcreteModel, named) -> float:
    """The value of a named expression of ``model`` at the current variable values; 0.0 where a variable has none.

    Equal to ``pyo.value(named, exception=False)`` (``None`` read as 0.0, as the
    result tables always have), without walking the expression tree again.
    """
    cache = _FLATTENED.setdefault(model, {})
    entry = cache.get(id(named))
    if entry is None or entry[0] is not named.expr:
        try:
            terms = _terms(named.expr)
        except _NotLinear:
            terms = None
        entry = cache[id(named)] = (named.expr, terms)
    terms = entry[1]
    if terms is None:
        value = pyo.value(named, exception=False)
        return 0.0 if value is None else float(value)
    variable_terms, constants = terms
    total = 0.0
    for factors, var in variable_terms:
        if var.value is None:
            return 0.0  # as Pyomo: an expression of a variable without a value has none
        total += _product(factors) * var.value
    return total + sum(_product(factors) for factors in constants)


def _product(factors: tuple) -> float:
    out = 1.0
    for factor in factors:
        out *= factor if type(factor) is float else pyo.value(factor)
    return out


def _terms(expr) -> tuple[list, list]:
    """([(factors, var)], [factors]) with expr = sum prod(factors) var + sum prod(factors); ``_NotLinear`` otherwise."""
    variable_terms: list = []
    constants: list = []
    pending = [(expr, ())]
    while pending:
        node, factors = pending.pop()
        if type(node) in native_numeric_types:
            constants.append((*factors, float(node)))
        elif node.is_variable_type():
            variable_terms.append((factors, node))
        elif not node.is_potentially_variable():  # a parameter or an expression of parameters
            constants.append((*factors, node))
        elif node.is_named_expression_type():
            pending.append((node.expr, factors))
        elif isinstance(node, (SumExpression, LinearExpression)):
            pending.extend((arg, factors) for arg in node.args)
        elif isinstance(node, NegationExpression):
            pending.append((node.args[0], (*factors, -1.0)))
        elif isinstance(node, (ProductExpression, MonomialTermExpression)):
            left, right = node.args
            if not _potentially_variable(left):
                pending.append((right, (*factors, _constant(left))))
            elif not _potentially_variable(right):
                pending.append((left, (*factors, _constant(right))))
            else:
                raise _NotLinear(type(node).__name__)
        else:
            raise _NotLinear(type(node).__name__)
    variable_terms.reverse()  # the walk pops from the end: keep the expression's order of terms
    constants.reverse()
    return variable_terms, constants


def _potentially_variable(node) -> bool:
    return type(node) not in native_numeric_types and node.is_potentially_variable()


def _constant(node):
    return float(node) if type(node) in native_numeric_types else node
