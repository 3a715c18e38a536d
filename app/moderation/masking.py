"""Blurring regions of a photo (faces, number plates) before it goes public."""

import io

from PIL import Image, ImageFilter

# Strong enough that a face or a plate cannot be read back, at the 2048 px of stored photos.
BLUR_RADIUS = 24


def region_inside(region, width, height):
    """True for a rectangle (x, y, w, h) of positive size lying wholly within the photo."""
    x, y, w, h = region
    return w > 0 and h > 0 and x >= 0 and y >= 0 and x + w <= width and y + h <= height


def blur_regions(content, regions):
    """Return PNG bytes of the image `content` with each (x, y, w, h) region blurred."""
    with Image.open(io.BytesIO(content)) as source:
        image = source.convert("RGB")
    for x, y, w, h in regions:
        box = (x, y, x + w, y + h)
        image.paste(image.crop(box).filter(ImageFilter.GaussianBlur(BLUR_RADIUS)), box)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
