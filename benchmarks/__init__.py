"""Benchmarks of eipopt (commands, not tests); here: published optima of public instances.

Each instance (OR-Library capacitated warehouse location, FCNetLib
fixed-charge network flow) is read from the public files, turned into an
ordinary eipopt scenario (the project's own tables), written with
:func:`eipopt.write_scenario`, loaded back and solved with :func:`eipopt.solve`
like any other scenario. See ``docs/benchmarks.md``.

Modules:

- :mod:`benchmarks.data`: where the public files are, and their published optima;
- :mod:`benchmarks.orlib_cap`: OR-Library ``cap*`` files -> :class:`~benchmarks.orlib_cap.CflpInstance`;
- :mod:`benchmarks.gams_subset`: the small part of GAMS that FCNetLib include files use;
- :mod:`benchmarks.fcnet`: FCNetLib ``.inc`` files -> :class:`~benchmarks.fcnet.FcnetInstance`;
- :mod:`benchmarks.scenarios`: instances -> eipopt scenarios (the mappings);
- :mod:`benchmarks.readers`: one entry point per instance name: read, write, solve;
- :mod:`benchmarks.reference`: HiGHS alone on the same model written to MPS;
- :mod:`benchmarks.run`: the benchmark command (``python -m benchmarks.run``).

Results are written to ``benchmarks/results/``.
"""
