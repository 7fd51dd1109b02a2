"""``eipopt finance``: viability gaps and the grant pool response curve (see :mod:`eipopt.analysis.finance`)."""

from __future__ import annotations

import click

from eipopt.analysis.cli import (
    _check_targets,
    _common,
    _compute,
    _exit_code_of,
    _finish,
    _invalid,
    _load,
    _objective_option,
    _plot,
    _print_table,
    _records,
    _solver,
    _write,
)


@click.command(short_help="Which items need a grant, and what a grant pool buys.")
@_common
@_objective_option
@click.option("--source", help="Grant source of financing.csv whose limit varies (default: the only grant source).")
@click.option("--steps", metavar="V1,V2,...|START:STOP:STEPS", help="Grant pool levels (default: 6 from 0 to the source's limit).")
@click.option("--items", metavar="ID1,ID2,...", help="Items whose viability gap to compute (default: every candidate item).")
def finance(path, overrides, out, plot_stem, as_json, time_limit, mip_gap, threads, objective, source, steps, items) -> None:
    """Least grant that makes each item of the scenario at PATH financeable alone, and the grant pool response curve.

    --out FILE.csv writes the viability gaps and FILE_response.csv the
    response; --plot STEM writes STEM_gaps.png/.svg and STEM_response.png/.svg.
    """
    from eipopt.analysis.budget import parse_steps
    from eipopt.analysis.finance import default_levels, finance_analysis, grant_source
    from eipopt.analysis.finance_plots import grant_response_plot, viability_gap_plot

    scenario = _load(path, overrides, as_json)
    _check_targets(out, ("", "response"), plot_stem, ("gaps", "response"), as_json)
    try:
        source_id = grant_source(scenario, source)
        levels = parse_steps(steps) if steps else default_levels(scenario, source_id)
        chosen = [i.strip() for i in items.split(",") if i.strip()] if items else None
        analysis = _compute(lambda: finance_analysis(scenario, source_id, levels, objective, chosen, solver=_solver(time_limit, mip_gap, threads)), as_json)
    except ValueError as error:
        _invalid(str(error), as_json)
    exit_code = _exit_code_of(analysis.response["status"])
    written = _write(out, {"": analysis.gaps, "response": analysis.response}, as_json)
    currency = scenario.settings.currency
    written += _plot(plot_stem, {"gaps": lambda: viability_gap_plot(analysis.gaps, currency), "response": lambda: grant_response_plot(analysis, currency)}, as_json)
    if not as_json:
        gaps = analysis.gaps.sort_values("viability_gap", ascending=False)
        columns = ["item", "name", "owner", "capex", "viability_gap", "gap_share", "own_money", "loans", "saving", "dscr", "status"]
        _print_table(gaps, columns, f"Viability gaps of {scenario.name}: least grant that makes each item financeable alone ({currency})")
        response = ["grant_pool", "status", "grant_total", "loans_total", "own_money_total", "capex_total", "leverage", "co2_reduction", "cost_savings", "added"]
        _print_table(analysis.response, response, f"Grant pool response: source '{analysis.source}', objective {analysis.objective} ({currency}, tCO2e/yr)")
    _finish(as_json, {"scenario": scenario.name, "analysis": "finance", "source": analysis.source, "objective": analysis.objective,
                      "gaps": _records(analysis.gaps), "response": _records(analysis.response)}, written, exit_code)
