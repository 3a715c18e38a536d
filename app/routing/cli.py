"""`flask geodata import-tenure FILE --owner ORG` (registered in the geodata group)."""

from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from app.extensions import db
from app.geo.files import GeodataError
from app.geo.tenure import read_tenure_file

from . import services


@click.command("import-tenure")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--owner", required=True, help="Code of the organisation owning the land (hbh…).")
@with_appcontext
def import_tenure(path, owner):
    """Add land tenure zones from PATH (GeoJSON, GeoPackage, Shapefile; any CRS).

    Every feature must be a valid polygon, else nothing is imported and the faulty feature
    is named. Overlaps with other zones are reported (the smaller zone wins there).
    """
    try:
        zones = read_tenure_file(path)
        saved, found = services.import_zones(None, owner, zones, Path(path).name)
    except GeodataError as err:
        raise click.ClickException(f"{path} : {_(err.message, **err.params)}") from None
    except services.InvalidRoutingData as err:
        raise click.ClickException(err.message) from None
    db.session.commit()
    click.echo(f"{len(saved)} zone(s) for {owner} from {Path(path).name}")
    for a, b, area in found:
        click.echo(f"overlap: {a} and {b} share {area} m²", err=True)
