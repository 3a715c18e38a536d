from flask import jsonify, request

from app.perimeters.queries import all_perimeters

from . import bp

# The perimeters change only when `flask geodata load` takes in a revised file (every few
# years): an hour in the browser's cache spares the capture page's service worker the
# second download a first visit would make, and after the hour a copy still current is
# confirmed (304) rather than sent again.
PERIMETERS_LIFETIME_S = 3600


@bp.route("/perimeters")
def perimeters():
    """The QPV perimeters as a GeoJSON FeatureCollection (WGS84)."""
    response = jsonify({
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": perimeter.code,
                "properties": {
                    "code": perimeter.code,
                    "name": perimeter.name,
                    "communes": perimeter.communes,
                    "area_ha": perimeter.area_ha,
                },
                "geometry": perimeter.geometry,
            }
            for perimeter in all_perimeters()
        ],
    })
    response.cache_control.public = True
    response.cache_control.max_age = PERIMETERS_LIFETIME_S
    response.add_etag()
    return response.make_conditional(request)
