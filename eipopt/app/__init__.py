"""The planners' web app (``eipopt app``): Dash on localhost.

Dash because its figures are the same plotly figures as the HTML report (one
figure module for both), its callbacks are plain Python functions over the
public API (load, with_overrides, solve), it runs as one local process with no
build step, and its pages are ordinary HTML a browser test can drive.
"""

from eipopt.app.server import create_app

__all__ = ["create_app"]
