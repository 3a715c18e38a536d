from flask import jsonify

from app.perimeters.queries import all_perimeters

from . import bp


@bp.route("/perimeters")
def perimeters():
    """The QPV perimeters as a GeoJSON FeatureCollection (WGS84)."""
    return jsonify({
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
