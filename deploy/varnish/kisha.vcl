# /etc/varnish/kisha.vcl — Varnish 7.1 (Debian 12) in front of Kisha's application servers.
#
# Needs Debian's varnish and varnish-modules (vmod xkey). The servers, the health probe and the
# purge ACL are in kisha-backends.vcl beside this file; docs/operations.md ("Varnish") says how
# to run it. tests/core/test_varnish.py runs this file, unchanged, in front of real gunicorn
# workers.
#
# The contract with Kisha (kisha/core/middleware.py):
# - An anonymous page says `Cache-Control: public, max-age=0, must-revalidate, s-maxage=N` and
#   carries no Vary: Cookie. One URL is one object: the hash is Host + URL, cookies are
#   stripped, Accept-Encoding is handled by Varnish's own gzip.
# - Editors, readers with a session (the passage of a password-restricted page) and anything
#   that sets a cookie get `private, no-store`. Requests with `sessionid` or `csrftoken` are
#   passed before they reach the cache at all, because an anonymous page has no Vary: Cookie.
# - Cacheable responses carry `xkey: <tags>`; Kisha purges with `PURGE /` and `xkey-purge:` (the
#   object must never be served again) or `xkey-softpurge:` (may be served stale during grace
#   while it is fetched again), or with `PURGE /path` and the page's Host (that URL).
# - With ESI turned on (sub kisha_esi in kisha-backends.vcl), Varnish asks for it
#   (`Surrogate-Capability: kisha="ESI/1.0"`); a page that used it answers
#   `Surrogate-Control: content="ESI/1.0"` and is assembled here from /fragments/… includes,
#   each cached for its own short lifetime. Off, pages carry the ticker and rankings inline and
#   the page's scripts bring them up to date from the same fragments.

vcl 4.1;

import std;
import xkey;
import purge;

# Backends, the `kisha_app` director, the probe and the `kisha_purgers` and `kisha_ops` ACLs.
include "./kisha-backends.vcl";

sub vcl_recv {
    # Headers only this file may set: never trust a client's.
    if (req.restarts == 0) {
        unset req.http.X-Kisha-Grace;
    }
    unset req.http.Surrogate-Capability;
    unset req.http.X-Kisha-Purged;

    set req.backend_hint = kisha_app.backend();
    set req.http.Host = std.tolower(req.http.Host);

    if (req.method == "PURGE") {
        if (client.ip !~ kisha_purgers) {
            return (synth(403, "Forbidden"));
        }
        if (req.http.xkey-purge) {
            set req.http.X-Kisha-Purged = xkey.purge(req.http.xkey-purge);
            return (synth(200, "Purged " + req.http.X-Kisha-Purged));
        }
        if (req.http.xkey-softpurge) {
            set req.http.X-Kisha-Purged = xkey.softpurge(req.http.xkey-softpurge);
            return (synth(200, "Soft-purged " + req.http.X-Kisha-Purged));
        }
        # PURGE /path with the page's Host: every variant of that URL (vcl_hit/vcl_miss).
        return (hash);
    }

    if (req.url ~ "^/-/" && client.ip !~ kisha_ops) {
        # Health and metrics: Kisha trusts the peer address, which is Varnish's own.
        return (synth(404, "Not Found"));
    }

    if (req.method != "GET" && req.method != "HEAD") {
        if (req.method == "POST" && req.url ~ "^/api/views/") {
            # The view beacon (a few hundred bytes): kept so a fetch can be retried on the
            # other server when the first one is down (vcl_backend_error).
            std.cache_req_body(16KB);
        }
        return (pass);
    }

    # Editors, readers holding a session (a password-restricted page they opened) or a CSRF
    # token (a form), anyone authenticating, and the paths that are never public.
    if (req.http.Cookie ~ "(^|;\s*)(sessionid|csrftoken)="
        || req.http.Authorization
        || req.url ~ "^/(admin|django-admin)/"
        || req.url ~ "^/api/views/"
        || req.url ~ "^/-/") {
        return (pass);
    }

    # Other cookies (analytics: _ga, …) must not split or bypass the cache; Kisha reads none of
    # them on a public page.
    unset req.http.Cookie;

    # A healthy backend: serve an expired object at most 10 s past its lifetime while a fresh
    # copy is fetched in the background. A sick one (the probe failed, or this request already
    # failed once, see vcl_deliver): the object's whole grace, 24 h, so readers get the last
    # good page instead of an error.
    # (req.grace survives a restart, hence the else.)
    if (std.healthy(req.backend_hint) && !req.http.X-Kisha-Grace) {
        set req.grace = 10s;
    } else {
        set req.grace = 24h;  # all of it: the grace vcl_backend_response gives an object
    }

    # Only requests that can be served from the cache may ask for ESI (kisha_esi, in
    # kisha-backends.vcl, off as shipped), so every stored page is one form and a passed
    # request gets Kisha's inline form.
    call kisha_esi;
    return (hash);
}

sub vcl_hash {
    hash_data(req.url);
    if (req.http.Host) {
        hash_data(req.http.Host);
    } else {
        hash_data(server.ip);
    }
    return (lookup);
}

sub vcl_hit {
    if (req.method == "PURGE") {
        set req.http.X-Kisha-Purged = purge.hard();
        return (synth(200, "Purged " + req.http.X-Kisha-Purged));
    }
}

sub vcl_miss {
    if (req.method == "PURGE") {
        set req.http.X-Kisha-Purged = purge.hard();
        return (synth(200, "Purged " + req.http.X-Kisha-Purged));
    }
}

sub vcl_backend_response {
    if (bereq.uncacheable) {
        # A pass (editors, POSTs, /admin/): Kisha's answer as it is, never stored.
        return (deliver);
    }
    if (beresp.status >= 500) {
        if (bereq.is_bgfetch) {
            # A background refresh failed: keep serving the stale object.
            return (abandon);
        }
        if (!bereq.http.X-Kisha-Grace
            && (bereq.method == "GET" || bereq.method == "HEAD")) {
            # First try: drop this answer, which would otherwise replace (and so remove) the
            # last good copy; vcl_synth tries again with the whole grace allowed.
            return (abandon);
        }
        # Second try and nothing better: Kisha's own error page, never stored.
        set beresp.ttl = 0s;
        set beresp.grace = 0s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    if (beresp.http.Set-Cookie
        || beresp.http.Cache-Control ~ "(?i)(private|no-store|no-cache)"
        || beresp.http.Cache-Control !~ "(?i)(s-maxage|max-age)=[1-9]"
        || beresp.http.Vary == "*"
        || beresp.ttl <= 0s) {
        # Personal, or not meant for a shared cache (a login redirect, a password form): not
        # stored; requests for this URL skip the wait for each other for two minutes (a
        # hit-for-miss object; a cacheable answer replaces it at once).
        set beresp.ttl = 120s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    # beresp.ttl already follows s-maxage (else max-age). After it, serve stale for up to a
    # day while the servers are down (vcl_recv shortens that while they are healthy). This
    # overrides must-revalidate, which Kisha sends for browsers, on purpose: every change
    # purges the page anyway, and an old page beats an error page.
    set beresp.grace = 24h;

    if (beresp.http.Surrogate-Control ~ "ESI/1\.0") {
        # Kept on the stored object (vcl_deliver removes it): a conditional refetch answered
        # 304 keeps the stored headers, and must parse the body as ESI again.
        set beresp.do_esi = true;
    }
    # Kisha never compresses HTML. Varnish stores it gzipped once and gunzips for the rare
    # client that does not accept gzip: one object, no Accept-Encoding variants.
    if (beresp.http.Content-Type ~ "^text/html" && !beresp.http.Content-Encoding) {
        set beresp.do_gzip = true;
    }
    return (deliver);
}

sub vcl_backend_error {
    if (bereq.is_bgfetch) {
        return (abandon);
    }
    # Connection refused or timed out: once more, on the next server of the round robin. Only
    # for requests that can be sent again: GET, HEAD and the beacon (its body is cached).
    if (bereq.retries == 0
        && (bereq.method == "GET" || bereq.method == "HEAD" || bereq.url ~ "^/api/views/")) {
        return (retry);
    }
    if (!bereq.http.X-Kisha-Grace && (bereq.method == "GET" || bereq.method == "HEAD")) {
        # As for a 5xx: keep the last good copy, vcl_synth tries again with the whole grace.
        return (abandon);
    }
}

sub vcl_deliver {
    # An error answered to a pass (an editor): once more, on the next server.
    if (resp.status >= 500 && req.restarts == 0
        && (req.method == "GET" || req.method == "HEAD")) {
        set req.http.X-Kisha-Grace = "full";
        return (restart);
    }
    if (req.esi_level > 0 && resp.status != 200) {
        # A fragment that failed leaves its place in the page empty rather than including an
        # error page.
        return (synth(204, "No Content"));
    }

    if (obj.uncacheable) {
        set resp.http.X-Cache = "PASS";
    } elsif (obj.hits > 0 && obj.ttl < 0s) {
        set resp.http.X-Cache = "HIT-STALE";
    } elsif (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }

    if (resp.http.Surrogate-Control ~ "ESI/1\.0") {
        # The stored ETag is the ESI template's: the assembled page changes with its fragments,
        # so a browser's If-None-Match must not get a 304 for it.
        unset resp.http.ETag;
        unset resp.http.Last-Modified;
    }
    unset resp.http.Surrogate-Control;
    if (resp.http.Vary) {
        # Kisha's ESI form varies on a header only Varnish sends; clients need not know.
        set resp.http.Vary = regsuball(resp.http.Vary, "(?i)(^|,)\s*Surrogate-Capability\s*", "");
        set resp.http.Vary = regsub(resp.http.Vary, "^\s*,\s*", "");
        if (resp.http.Vary == "") {
            unset resp.http.Vary;
        }
    }
    unset resp.http.xkey;
}

sub vcl_synth {
    # A fetch that failed (vcl_backend_response, vcl_backend_error): once more, with the whole
    # grace allowed, so a page (or a fragment) cached in the last 24 h is served instead; the
    # second try also goes to the next server.
    if (resp.status == 503 && req.restarts == 0
        && (req.method == "GET" || req.method == "HEAD")) {
        set req.http.X-Kisha-Grace = "full";
        return (restart);
    }
    if (req.esi_level > 0) {
        # Inside a page: nothing rather than an error page.
        set resp.body = "";
        return (deliver);
    }
    if (req.method == "PURGE") {
        set resp.http.Content-Type = "text/plain; charset=utf-8";
        set resp.body = resp.reason + {"
"};
        return (deliver);
    }
}
