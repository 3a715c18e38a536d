"""`flask geodata ...`: loading perimeter files."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from app.extensions import db
from app.geo.files import GeodataError, read_perimeters, read_stops
from app.places.services import save_places
from app.routing.cli import import_tenure

from .services import save_perimeters

geodata_cli = AppGroup("geodata", help="Load geographic reference data.")
geodata_cli.add_command(import_tenure)


def _read(reader, path):
    try:
        return reader(path)
    except GeodataError as err:
        raise click.ClickException(_(err.message, **err.params)) from None


@geodata_cli.command("load")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
def load(files):
    """Load QPV perimeters from FILES (GeoJSON, GeoPackage, Shapefile; any CRS).

    Without FILES, loads the official Noyer Doré perimeter and the real public-transport
    stops around it (as places residents can pick from a list), both shipped in geodata/.
    Perimeters are matched by code (code_qp): loading again updates them.
    """
    for path in files or current_app.config["PERIMETER_FILES"]:
        for perimeter in save_perimeters(_read(read_perimeters, path), source=Path(path).name):
            click.echo(f"{perimeter.code} {perimeter.name}: {perimeter.area_ha:.2f} ha")
    if not files:
        path = current_app.config["PLACE_FILES"][0]
        places = save_places(_read(read_stops, path), source=Path(path).name)
        click.echo(f"{len(places)} places (public-transport stops) from {Path(path).name}")
    db.session.commit()
