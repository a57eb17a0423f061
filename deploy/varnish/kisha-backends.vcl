# /etc/varnish/kisha-backends.vcl — this site's part of the Varnish configuration, included by
# kisha.vcl: the application servers, how they are probed, and who may purge. Edit this file;
# kisha.vcl holds the rules and should not need changing.

import directors;

# What the probe asks for. Not /-/health/: that answers only KISHA_OPS_ALLOWED_IPS or the ops
# token (kisha/core/ops.py), and it fails (500) when the scheduler or the task queue lags,
# which says nothing about whether this server can render a page; a server marked sick for
# that would send every reader to grace or to an error. The home page is public, cheap (the
# same few queries as any listing) and goes through the whole stack: database, cache, templates.
# The Host must be one of ALLOWED_HOSTS, or Django answers 400 and the server counts as sick.
probe kisha_home {
    .request =
        "GET / HTTP/1.1"
        "Host: news.example.jp"
        "User-Agent: Varnish health probe"
        "Connection: close";
    .expected_response = 200;
    .interval = 5s;
    .timeout = 3s;
    .window = 5;
    .threshold = 3;
    .initial = 3;
}

# One backend per application server (gunicorn, deploy/systemd/kisha-web.service).
backend app1 {
    .host = "10.0.0.11";
    .port = "8000";
    .probe = kisha_home;
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
    .between_bytes_timeout = 10s;
}

backend app2 {
    .host = "10.0.0.12";
    .port = "8000";
    .probe = kisha_home;
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
    .between_bytes_timeout = 10s;
}

sub vcl_init {
    # Round robin over the healthy servers; kisha.vcl reads kisha_app.
    new kisha_app = directors.round_robin();
    kisha_app.add_backend(app1);
    kisha_app.add_backend(app2);
}

# Who may send PURGE: this machine and the application servers and task workers (where the
# purge tasks run: KISHA_FRONTEND_CACHE points here). Everyone else gets 403.
acl kisha_purgers {
    "127.0.0.1";
    "::1";
    "10.0.0.0"/24;
}

# Who may reach /-/health/ and /-/metrics through Varnish. Kisha opens them to peers in
# KISHA_OPS_ALLOWED_IPS, and behind Varnish every peer is Varnish: without this the whole
# internet would get in. Everyone else gets 404, as from Kisha.
acl kisha_ops {
    "127.0.0.1";
    "::1";
}

# ESI: assemble the ticker, the breaking banner and the rankings into every cached page at
# delivery, each from its own short-lived fragment, so a page kept for hours shows them
# current even without JavaScript. It costs throughput: the article page went from about
# 40,000 to 8,000 requests a second on two cores (docs/performance.md). Without it the page
# carries them inline as of its render, and its scripts refresh them from the same fragments
# as it loads. To turn it on, uncomment the line.
sub kisha_esi {
    # set req.http.Surrogate-Capability = {"kisha="ESI/1.0""};
}
