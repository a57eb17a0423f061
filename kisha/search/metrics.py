"""Search latency for /-/metrics: one histogram, observed by the search view around each real
search (a query to run), from parsing the form to the rendered page. In multiprocess mode
(PROMETHEUS_MULTIPROC_DIR) every worker's observations are summed at scrape time."""

from prometheus_client import Histogram

SEARCH_SECONDS = Histogram(
    "kisha_search_duration_seconds",
    "Seconds to answer a search that ran a query, rendering included",
    # The search page's target is well under a second (docs/search.md); the tail shows trouble.
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
