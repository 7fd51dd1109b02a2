"""The default scenario loads, solves and reports every stable summary key."""

import eipopt


def test_khanh_phu_solves_with_every_summary_key(khanh_phu_path):
    result = eipopt.solve(eipopt.load_scenario(khanh_phu_path))
    assert result.status == "optimal"
    assert set(eipopt.SUMMARY_KEYS) <= set(result.summary)
