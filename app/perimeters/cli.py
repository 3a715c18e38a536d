"""`flask geodata ...`: loading perimeter files."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from app.extensions import db
from app.geo.files import GeodataError, read_perimeters

from .services import save_perimeters

geodata_cli = AppGroup("geodata", help="Load geographic reference data.")


@geodata_cli.command("load")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
def load(files):
    """Load QPV perimeters from FILES (GeoJSON, GeoPackage, Shapefile; any CRS).

    Without FILES, loads the official Noyer Doré perimeter shipped in geodata/.
    Perimeters are matched by code (code_qp): loading again updates them.
    """
    files = files or current_app.config["PERIMETER_FILES"]
    for path in files:
        try:
            features = read_perimeters(path)
        except GeodataError as err:
            raise click.ClickException(_(err.message, **err.params)) from None
        for perimeter in save_perimeters(features, source=Path(path).name):
            click.echo(f"{perimeter.code} {perimeter.name}: {perimeter.area_ha:.2f} ha")
    db.session.commit()
