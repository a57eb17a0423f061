"""The suite's shared fixtures are plugins, one module per app (tests/plugins/); each app's own
conftest adds what only its tests use. Fixture names are the suite's interface: keep them."""

import sys

# Process helpers first: a plugin is imported (and its asserts rewritten) in this order, and the
# app plugins import tests.processes.
pytest_plugins = [
    "tests.processes",
    "tests.varnish",
    "tests.plugins.core",
    "tests.plugins.news",
    "tests.plugins.newsletter",
]


def pytest_sessionfinish(session, exitstatus):
    session.config.pluginmanager.get_plugin("tests.processes").static_cleanup()
    # The browser plugin is loaded only when a browser test ran: close its Chromium if so.
    browser_fixtures = sys.modules.get("tests.browser.conftest")
    if browser_fixtures is not None:
        browser_fixtures.close_shared_browser()
