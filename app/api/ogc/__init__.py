"""OGC API – Features (Part 1, Core and GeoJSON) under /ogcapi/: the public map, read live
by QGIS, GDAL and any other client of the standard."""
