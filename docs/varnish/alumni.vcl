vcl 4.1;
# Varnish in front of the alumni site (docs/deploy.md, "Caching").
# Django says what may be kept (Cache-Control: public on anonymous pages);
# this file keeps members' requests away from the cache and turns Wagtail's
# PURGE into a ban of the path and all its query strings.

backend django {
    .host = "127.0.0.1";
    .port = "8000";
}

# Who may purge: the machines that run `manage.py qcluster` (Wagtail's purge
# task runs there) and this one.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (!client.ip ~ purgers) {
            return (synth(405, "Not allowed"));
        }
        # The path and every query string of it: /offres/ also drops
        # /offres/?q=python and /offres/?page=2.
        ban("obj.http.x-host == " + regsub(req.http.host, ":[0-9]+$", "") +
            " && obj.http.x-url ~ ^" +
            regsuball(regsub(req.url, "\?.*$", ""), "([.+*?()|\[\]{}^$])", "\\\1") +
            "(\?|$)");
        return (synth(200, "Purged"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # A member (session) or a pending flash message: always Django.
    if (req.http.Authorization || req.http.Cookie ~ "(^|;\s*)(sessionid|messages)=") {
        return (pass);
    }
    if (req.url ~ "^/(admin|documents)/") {
        return (pass);
    }
    # Every other visitor gets the same pages: other cookies (csrftoken,
    # analytics) would only split the cache. The language is in the path
    # (French has none: prefix_default_language=False), never taken from
    # Accept-Language, so one copy serves every browser.
    unset req.http.Cookie;
    unset req.http.Accept-Language;
    return (hash);
}

sub vcl_backend_response {
    # Kept on the object for the bans above ("lurker-friendly" bans).
    set beresp.http.x-url = bereq.url;
    set beresp.http.x-host = regsub(bereq.http.host, ":[0-9]+$", "");
    # No grace: a page is never served past its max-age, which is the
    # promise of ALUMNI_PARTNER_PUBLIC_CACHE_SECONDS. (A grace of a few
    # seconds would instead hide short outages behind stale pages.)
    set beresp.grace = 0s;
    # Varnish's built-in rules follow: Set-Cookie, private, no-store and
    # no-cache are never kept; public, max-age=N is kept N seconds.
}

sub vcl_deliver {
    unset resp.http.x-url;
    unset resp.http.x-host;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
