"""Pure geography for Arpenteur: no Flask here.

Coordinates are (lon, lat) in WGS84 everywhere; anything in metres is computed after
projecting to Lambert-93 (EPSG:2154).
"""
