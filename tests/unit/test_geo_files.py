import json

import geopandas
import pytest
from shapely.geometry import Point, Polygon

from app.geo.files import GeodataError, read_perimeters
from config import BASE_DIR

NOYER_DORE = BASE_DIR / "geodata" / "noyer_dore_QN09203M.geojson"
VSGP = BASE_DIR / "geodata" / "qpv2024_vallee_sud_grand_paris.geojson"


def test_the_official_perimeter_reads_with_its_published_area():
    (feature,) = read_perimeters(NOYER_DORE)
    assert feature.code == "QN09203M"
    assert feature.name == "Noyer Doré"
    assert feature.communes == ["Antony"]
    assert feature.area_ha == pytest.approx(13.90, abs=0.01)
    assert feature.geometry["type"] == "Polygon"


def test_a_file_with_several_perimeters_reads_them_all():
    codes = {feature.code for feature in read_perimeters(VSGP)}
    assert {"QN09203M", "QN09204M", "QN09219N"} <= codes


def test_a_lambert93_geopackage_is_reprojected_to_wgs84(tmp_path):
    path = tmp_path / "perimetre_l93.gpkg"
    geopandas.read_file(NOYER_DORE).to_crs("EPSG:2154").to_file(path, driver="GPKG")
    (feature,) = read_perimeters(path)
    assert feature.area_ha == pytest.approx(13.90, abs=0.01)
    lon, lat = feature.geometry["coordinates"][0][0]
    assert 2.28 < lon < 2.30 and 48.73 < lat < 48.75


def _write(tmp_path, frame, name="bad.gpkg"):
    path = tmp_path / name
    frame.to_file(path, driver="GPKG")
    return path


def test_a_non_polygon_feature_is_named(tmp_path):
    frame = geopandas.GeoDataFrame(
        {"code_qp": ["PT1"], "lib_qp": ["Arrêt"]}, geometry=[Point(2.28, 48.73)], crs=4326
    )
    with pytest.raises(GeodataError, match="PT1 est un Point, pas un polygone"):
        read_perimeters(_write(tmp_path, frame))


def test_an_invalid_polygon_is_named_with_the_reason(tmp_path):
    bowtie = Polygon([(2.28, 48.73), (2.29, 48.74), (2.29, 48.73), (2.28, 48.74)])
    frame = geopandas.GeoDataFrame({"code_qp": ["BOW"], "lib_qp": ["Nœud"]},
                                   geometry=[bowtie], crs=4326)
    with pytest.raises(GeodataError, match="BOW a une géométrie invalide .*Self-intersection"):
        read_perimeters(_write(tmp_path, frame))


def test_a_missing_code_column_is_named(tmp_path):
    frame = geopandas.GeoDataFrame({"other": ["x"]},
                                   geometry=[Point(2.28, 48.73).buffer(0.001)], crs=4326)
    with pytest.raises(GeodataError, match="aucune colonne de code"):
        read_perimeters(_write(tmp_path, frame))


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_a_file_without_crs_is_refused(tmp_path):
    frame = geopandas.GeoDataFrame({"code_qp": ["X"], "lib_qp": ["x"]},
                                   geometry=[Point(2.28, 48.73).buffer(0.001)])
    path = tmp_path / "nocrs.shp"
    frame.to_file(path)
    with pytest.raises(GeodataError, match="système de coordonnées"):
        read_perimeters(path)


def test_a_text_file_is_not_a_geographic_file(tmp_path):
    path = tmp_path / "notes.geojson"
    path.write_text("ceci n'est pas une carte")
    with pytest.raises(GeodataError, match="ne peut pas être lu comme un fichier géographique"):
        read_perimeters(path)


def test_an_empty_collection_is_refused(tmp_path):
    path = tmp_path / "empty.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": []}))
    with pytest.raises(GeodataError, match="aucun objet"):
        read_perimeters(path)
