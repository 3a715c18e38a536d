"""Faces and number plates a moderator should look at before a photo goes public.

OpenCV's Haar cascades (frontal face, profile face in both directions, number plate) ship
inside the opencv-python-headless wheel: detection runs on the CPU, offline, with no model
to download. OpenCV is imported here only, when a photo is analysed, never on the capture
path. This module knows no Flask: bytes in, rectangles in the photo's pixels out.
"""

import io
from dataclasses import dataclass

from PIL import Image, ImageOps

# Analysed at this size at most (stored photos are up to 2048 px): a face of ~50 px in the
# stored photo is still found, at about a quarter of the work.
DETECTION_SIDE = 1024
SCALE_STEP = 1.15
# (kind, cascade file, neighbours needed, mirrored too): profiles are trained facing one
# way, so the mirrored picture finds the other.
CASCADES = (
    ("face", "haarcascade_frontalface_default.xml", 6, False),
    ("face", "haarcascade_profileface.xml", 5, True),
    ("plate", "haarcascade_russian_plate_number.xml", 4, False),
)
MIN_SIDE = {"face": (24, 24), "plate": (36, 12)}
# A face box covers the eyes to the chin; hair and ears identify too.
FACE_MARGIN = 0.2
OVERLAP = 0.3


class DetectionFailed(Exception):
    """The detector could not analyse this photo; the moderator masks by hand."""


@dataclass(frozen=True)
class Found:
    kind: str  # "face" or "plate"
    x: int
    y: int
    width: int
    height: int

    @property
    def box(self):
        return self.x, self.y, self.width, self.height


def _classifiers():
    try:
        import cv2
    except ImportError as missing:
        raise DetectionFailed(f"OpenCV is not installed: {missing}") from None
    loaded = []
    for kind, name, neighbours, mirrored in CASCADES:
        classifier = cv2.CascadeClassifier(cv2.data.haarcascades + name)
        if classifier.empty():
            raise DetectionFailed(f"cascade {name} missing from this OpenCV")
        loaded.append((kind, classifier, neighbours, mirrored))
    return cv2, loaded


def _grey(content):
    """The photo as an equalised grey array no larger than DETECTION_SIDE, and its scale."""
    import numpy

    try:
        with Image.open(io.BytesIO(content)) as source:
            image = ImageOps.exif_transpose(source).convert("L")
    except (OSError, SyntaxError, ValueError) as unreadable:
        raise DetectionFailed(f"unreadable image: {unreadable}") from None
    scale = min(1.0, DETECTION_SIDE / max(image.size))
    if scale < 1.0:
        image = image.resize((round(image.width * scale), round(image.height * scale)),
                             Image.Resampling.BILINEAR)
    return numpy.asarray(image), scale, image.width


def _overlap(a, b):
    """Intersection over the smaller box: a profile inside a frontal box is the same face."""
    ix = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    return ix * iy / min(a[2] * a[3], b[2] * b[3])


def _union(a, b):
    x, y = min(a[0], b[0]), min(a[1], b[1])
    return x, y, max(a[0] + a[2], b[0] + b[2]) - x, max(a[1] + a[3], b[1] + b[3]) - y


def find_regions(content, width, height):
    """Faces and plates in the image `content` (bytes) of `width` × `height` pixels.

    Returns [Found] in the photo's pixels, faces widened to take in hair and ears, boxes of
    one kind that overlap merged, everything clipped to the photo. Raises DetectionFailed
    when OpenCV, its cascades or the image cannot be used.
    """
    cv2, classifiers = _classifiers()
    grey, scale, grey_width = _grey(content)
    grey = cv2.equalizeHist(grey)
    boxes = {"face": [], "plate": []}
    try:
        for kind, classifier, neighbours, mirrored in classifiers:
            for flipped in (False, True) if mirrored else (False,):
                picture = cv2.flip(grey, 1) if flipped else grey
                for x, y, w, h in classifier.detectMultiScale(
                        picture, scaleFactor=SCALE_STEP, minNeighbors=neighbours,
                        minSize=MIN_SIDE[kind]):
                    x = grey_width - x - w if flipped else x
                    boxes[kind].append((int(x), int(y), int(w), int(h)))
    except cv2.error as failure:
        raise DetectionFailed(f"OpenCV failed: {failure}") from None
    found = []
    for kind, kept in boxes.items():
        merged = []
        for box in kept:
            for index, other in enumerate(merged):
                if _overlap(box, other) > OVERLAP:
                    merged[index] = _union(box, other)
                    break
            else:
                merged.append(box)
        found += [_to_photo(kind, box, scale, width, height) for box in merged]
    return sorted(found, key=lambda f: (f.y, f.x))


def _to_photo(kind, box, scale, width, height):
    x, y, w, h = (value / scale for value in box)
    if kind == "face":
        x, y, w, h = (x - w * FACE_MARGIN, y - h * FACE_MARGIN,
                      w * (1 + 2 * FACE_MARGIN), h * (1 + 2 * FACE_MARGIN))
    left, top = max(0, round(x)), max(0, round(y))
    right, bottom = min(width, round(x + w)), min(height, round(y + h))
    return Found(kind, left, top, right - left, bottom - top)
