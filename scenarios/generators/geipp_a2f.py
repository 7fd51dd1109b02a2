"""``geipp_a2f``: the ``geipp_recp`` portfolio with the money a Viet Nam tenant would meet (access to finance).

The park, firms and measures are those of :mod:`.geipp_recp`; this adds the
sources of ``financing.csv`` and each firm's own money. Sources and
assumptions: ``scenarios/geipp_a2f/PROVENANCE.md``.
"""

from __future__ import annotations

from . import geipp_recp
from .common import ELECTRICITY_PRICE, WATER_PRICE
from .tenants import TENANTS

#: Share of a firm's annual power and water bill it can put into new measures from its own money (assumption).
OWN_MONEY_SHARE_OF_UTILITY_BILL = 0.003

SOURCES = [
    # a donor or programme grant window co-financing RECP and symbiosis investments (assumption: size and share)
    dict(id="grant_window", name="Grant window for RECP and symbiosis investments", kind="grant", limit=10_000_000_000, max_share=0.3, applies_to="all"),
    # Viet Nam Environment Protection Fund: 3.6 %/yr for projects outside its 2.6 % list, up to 70 % of cost, up to 10 years
    dict(id="vepf_loan", name="Viet Nam Environment Protection Fund concessional loan", kind="loan", limit=40_000_000_000, rate=0.036,
         tenor_years=10, max_share=0.7, applies_to="all"),
    # a commercial bank's green credit line for energy efficiency (assumption: rate, tenor, share; no limit)
    dict(id="green_credit", name="Commercial green credit line (energy efficiency)", kind="loan", rate=0.09, tenor_years=5, max_share=0.5,
         applies_to="measures", categories="energy;fuel"),
]


def build():
    park = geipp_recp.build()
    bills = {t.id: t.electricity * ELECTRICITY_PRICE + t.water * WATER_PRICE for t in TENANTS}
    for firm in park.rows["firms"]:
        firm["equity_limit"] = round(OWN_MONEY_SHARE_OF_UTILITY_BILL * bills[firm["id"]], -6)
    park.rows["financing"] = [dict(row) for row in SOURCES]
    return park
