"""HTTP security headers, with a strict Content-Security-Policy (no inline script)."""

from urllib.parse import urlsplit

LEAFLET_CDN = "https://unpkg.com"


def _origin(url):
    parts = urlsplit(url.replace("{s}", "a"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def content_security_policy(config):
    tiles = config["TILE_URL"]
    tile_origin = _origin(tiles)
    if "{s}" in tiles:  # subdomain-switched tile servers
        tile_origin = _origin(tiles.replace("{s}.", "*."))
    cdn = f" {LEAFLET_CDN}" if config["LEAFLET_SOURCE"] == "cdn" else ""
    img = f" {tile_origin}" if tile_origin else ""
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self'{cdn}",
        f"style-src 'self'{cdn}",
        f"img-src 'self' data: blob:{img}",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def register_security_headers(app):
    policy = content_security_policy(app.config)

    @app.after_request
    def add_headers(response):
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Permissions-Policy", "camera=(self), geolocation=(self)")
        if app.config["SESSION_COOKIE_SECURE"]:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
