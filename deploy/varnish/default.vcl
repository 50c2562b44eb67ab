# Varnish 7 in front of Newsroom (README.md, "The edge cache").
#
# Keeps readers' pages (what the site marks `Cache-Control: public`) for as long
# as `Surrogate-Control` says, indexed by their surrogate keys (xkey), and drops
# or marks stale exactly the pages a change touches when Newsroom purges their
# keys (NEWSROOM_PURGER=varnish). Staff, previews, the admin, POSTs and every
# request with a session cookie go to the site. When the site does not answer,
# pages are served stale for up to six hours; when it does, a purged page is
# fetched again, revalidated with its ETag.
#
# Needs Debian's `varnish` and `varnish-modules` (for xkey).

vcl 4.1;

import std;
import xkey;

# The site: `make serve` (gunicorn) on this machine, unless edited.
backend newsroom {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
    .probe = {
        .url = "/robots.txt";
        .interval = 1s;
        .timeout = 1s;
        .window = 3;
        .threshold = 2;
        .initial = 2;
    }
}

# Who may purge: the app servers (and the worker) only. Edit for yours.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Not allowed to purge"));
        }
        if (req.http.xkey-softpurge) {
            set req.http.x-purged = xkey.softpurge(req.http.xkey-softpurge);
        } elsif (req.http.xkey-purge) {
            set req.http.x-purged = xkey.purge(req.http.xkey-purge);
        } else {
            return (synth(400, "Give the keys in xkey-purge or xkey-softpurge"));
        }
        return (synth(200, "Purged " + req.http.x-purged));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/(admin|accounts|preview)(/|$)" || req.url ~ "^/healthz") {
        return (pass);
    }
    if (req.http.Authorization || req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);  # staff and editors: never from the edge
    }
    # Readers' other cookies do not change a public page.
    unset req.http.Cookie;
    # While the site answers, a purged page is fetched again at once; only when
    # it does not is a stale copy served (grace).
    if (std.healthy(req.backend_hint)) {
        set req.grace = 0s;
    }
    return (hash);
}

sub vcl_backend_response {
    if (beresp.http.Cache-Control !~ "public" || beresp.http.Set-Cookie) {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    if (beresp.http.Surrogate-Key) {
        set beresp.http.xkey = beresp.http.Surrogate-Key;
    } elsif (beresp.http.Cache-Tag) {
        set beresp.http.xkey = beresp.http.Cache-Tag;
    }
    if (beresp.http.Surrogate-Control ~ "max-age=[0-9]+") {
        set beresp.ttl = std.duration(
            regsub(beresp.http.Surrogate-Control, "^.*max-age=([0-9]+).*$", "\1s"),
            beresp.ttl);
    }
    set beresp.grace = 6h;
    # Kept past grace so that a fetch after a purge revalidates with the ETag.
    set beresp.keep = 24h;
}

sub vcl_deliver {
    if (obj.uncacheable) {
        set resp.http.X-Edge = "pass";
    } elsif (obj.hits > 0) {
        set resp.http.X-Edge = "hit";
    } else {
        set resp.http.X-Edge = "miss";
    }
    # The keys and the edge's lifetime are for the edge, not for readers.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    unset resp.http.Cache-Tag;
    unset resp.http.Surrogate-Control;
}
