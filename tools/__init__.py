"""Contributor and CI tooling: not part of the installed package (a learner's kernel never
imports it). Each module runs as `python -m tools.NAME` from the checkout's root; nox's sessions
(noxfile.py) call them.

    api         docs/notebook-api.md, the names notebooks use
    audit       the safety audit's checker (labhelpers.engine.audit records, this checks)
    bench       the course against its speed budgets (bench/results.json)
    browser     the browser pass's page helpers and mouse scripts (Chromium via Playwright)
    catalogue   docs/bad-input.md, what the lab refuses and what it says
    drift       compares committed recordings with a fresh live run
    lengths     each notebook's prose length
    notebooks   the .md/.ipynb pairs
    record      refresh the stored outputs and the replay recordings from one live run
    testrun     the phases of the test pipeline
"""

__all__: list[str] = []
