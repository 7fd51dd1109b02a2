"""Index sets and parameters of financing, derived from a scenario (see :mod:`eipopt.model.financing`).

Financing is on when the scenario gives any of its inputs: rows in
``financing.csv``, a firm's ``equity_limit``, a debt-service rule (a firm's
``min_dscr`` or ``finance.min_dscr``). Otherwise every set here is empty and
the model is exactly the one without financing.
"""

from __future__ import annotations

import math

from eipopt.model.data import capital_recovery_factor, tier_item
from eipopt.model.financing_checks import split_categories
from eipopt.model.periods import horizon

#: Sets of the financing families and their dimension (merged into the builder's table of sets).
FINANCING_SETS = {
    "financing_on": 1,
    "sources": 1,
    "limited_sources": 1,
    "grant_sources": 1,
    "loan_sources": 1,
    "equity_sources": 1,
    "source_periods": 2,
    "financing_options": 2,
    "item_owner": 2,
    "link_owner": 2,
    "measure_firm": 2,
    "equity_limited": 1,
    "dscr_firms": 1,
    "loan_repaid": 3,
}

#: Parameters of the financing families and the set each is indexed by (all but HORIZON ones also by period).
FINANCING_PARAMS = {
    "source_limit": "limited_sources",
    "source_share": "sources",
    "loan_crf": "loan_sources",
    "equity_return": "equity_sources",
    "equity_limit": "equity_limited",
    "min_dscr": "dscr_firms",
    "transfer_price": "links",
}


def financing_active(scenario) -> bool:
    """Whether the scenario gives any financing input (sources, equity limits, debt-service rules)."""
    return (
        len(scenario.tables["financing"]) > 0
        or scenario.firms["equity_limit"].notna().any()
        or scenario.firms["min_dscr"].notna().any()
        or scenario.settings.finance.min_dscr is not None
    )


def add_financing_data(scenario, sets: dict[str, list], params: dict[str, dict]) -> None:
    """Add the financing sets and parameters of one scenario's numbers (empty when financing is off)."""
    for name in FINANCING_SETS:
        sets[name] = []
    for name in FINANCING_PARAMS:
        params[name] = {}
    if not financing_active(scenario):
        return
    sets["financing_on"] = [1]
    sources = scenario.tables["financing"]
    firms, links, measures = scenario.firms, scenario.links, scenario.measures

    # --- who owns each new item (the firm whose own money and accounts it enters)
    link_owner = {l.id: (l.source if l.owner == "source" else l.sink) for l in links.itertuples()}
    sets["link_owner"] = list(link_owner.items())
    sets["measure_firm"] = list(zip(measures["id"], measures["firm"], strict=True))
    item_kind, item_category, owner = {}, {}, {}
    for k in measures.itertuples():
        if not k.existing:
            item_kind[k.id], item_category[k.id], owner[k.id] = "measures", k.category, k.firm
    for l in links.itertuples():
        if not l.existing:
            item_kind[l.id], item_category[l.id], owner[l.id] = "links", l.kind, link_owner[l.id]
    for t in scenario.link_tiers.itertuples():
        item = tier_item(t.link, t.tier)
        kind = links.loc[links["id"] == t.link, "kind"].iloc[0]
        item_kind[item], item_category[item], owner[item] = "links", kind, link_owner[t.link]
    sets["item_owner"] = list(owner.items())

    # --- sources and what each may finance
    sets["sources"] = list(sources["id"])
    sets["limited_sources"] = list(sources.loc[sources["limit"].notna(), "id"])
    sets["grant_sources"] = list(sources.loc[sources["kind"] == "grant", "id"])
    sets["loan_sources"] = list(sources.loc[sources["kind"] == "loan", "id"])
    sets["equity_sources"] = list(sources.loc[sources["kind"] == "equity", "id"])
    sets["source_periods"] = [(s.id, int(s.period)) for s in sources.itertuples() if not math.isnan(s.period)]
    options = []
    for s in sources.itertuples():
        categories = set(split_categories(s.categories))
        for item, kind in item_kind.items():
            if s.applies_to not in ("all", kind):
                continue
            if categories and item_category[item] not in categories:
                continue
            options.append((item, s.id))
    sets["financing_options"] = options
    params["source_limit"] = {s.id: float(s.limit) for s in sources.itertuples() if not math.isnan(s.limit)}
    params["source_share"] = dict(zip(sources["id"], sources["max_share"].astype(float), strict=True))
    params["equity_return"] = {s.id: float(s.rate) for s in sources.itertuples() if s.kind == "equity"}
    params["loan_crf"] = {
        s.id: capital_recovery_factor(s.rate, s.tenor_years) for s in sources.itertuples() if s.kind == "loan"
    }

    # --- firms: own money and debt-service rules
    sets["equity_limited"] = list(firms.loc[firms["equity_limit"].notna(), "id"])
    params["equity_limit"] = {f.id: float(f.equity_limit) for f in firms.itertuples() if not math.isnan(f.equity_limit)}
    default_dscr = scenario.settings.finance.min_dscr
    rules = {f.id: (f.min_dscr if not math.isnan(f.min_dscr) else default_dscr) for f in firms.itertuples()}
    sets["dscr_firms"] = [f for f, rule in rules.items() if rule is not None]
    params["min_dscr"] = {f: float(rules[f]) for f in sets["dscr_firms"]}
    params["transfer_price"] = dict(zip(links["id"], links["transfer_price"].astype(float), strict=True))

    # --- which loans are still being repaid in which period
    periods = horizon(scenario.settings)
    sets["loan_repaid"] = [
        (s.id, taken.start, p.start)
        for s in sources.itertuples()
        if s.kind == "loan"
        for taken in periods
        for p in periods
        if taken.first_year <= p.last_year and taken.first_year + s.tenor_years > p.first_year
    ]
