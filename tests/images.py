"""Images made on the fly for photo tests: real encoders, real metadata."""

import io

from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def jpeg(width=64, height=32, gps=True, orientation=None, colour=(200, 40, 40)):
    """A JPEG with EXIF (camera make, GPS position of the RER station, optional rotation)."""
    image = Image.new("RGB", (width, height), colour)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    if gps:
        exif[GPS_IFD] = {1: "N", 2: (48.0, 44.0, 22.9), 3: "E", 4: (2.0, 17.0, 15.6)}
    if orientation:
        exif[ORIENTATION] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png(width=40, height=40):
    out = io.BytesIO()
    Image.new("RGB", (width, height), (0, 120, 60)).save(out, "PNG")
    return out.getvalue()


def webp(width=40, height=40):
    out = io.BytesIO()
    Image.new("RGB", (width, height), (0, 60, 120)).save(out, "WEBP")
    return out.getvalue()


def gif():
    out = io.BytesIO()
    Image.new("P", (10, 10)).save(out, "GIF")
    return out.getvalue()


def bomb():
    """A tiny PNG that claims 8000 x 6000 pixels (48 megapixels): a decompression bomb."""
    out = io.BytesIO()
    Image.new("1", (8000, 6000)).save(out, "PNG")
    return out.getvalue()


def photograph(name="astronaut", side=None):
    """A real photograph bundled with scikit-image as JPEG bytes (`astronaut`: one face,
    Eileen Collins, NASA, public domain); `side` resizes it to that width."""
    from skimage import data

    image = Image.fromarray(getattr(data, name)()).convert("RGB")
    if side:
        image = image.resize((side, round(image.height * side / image.width)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    return out.getvalue()
