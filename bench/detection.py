"""The face and plate detector on real photographs: what it finds (checked against where
the faces are, read by eye), what it finds wrongly, and the time per photo.

Photographs bundled with scikit-image: the astronaut (one face, frontal) and the
cameraman (one face, three-quarter view), and photographs without any face or plate
(coffee, cat, rocket, motorcycle, coins, bricks, gravel...). Each at its own size and at
three times it, as a phone photo stored at up to 2048 px would be. Then the 200 small
face / not-a-face crops of Labeled Faces in the Wild bundled with scikit-image.
"""

import io
import sys
import time

from harness import PROJECT_ROOT

# (photograph, faces by eye as (left, top, right, bottom) in its own pixels)
PHOTOGRAPHS = (
    ("astronaut", [(180, 70, 270, 160)]),
    ("camera", [(185, 95, 255, 190)]),
    ("coffee", []), ("chelsea", []), ("rocket", []), ("motorcycle_left", []),
    ("coins", []), ("brick", []), ("gravel", []), ("grass", []), ("page", []),
    ("hubble_deep_field", []), ("immunohistochemistry", []), ("horse", []),
)


def _centre_inside(found, expected, scale):
    left, top, right, bottom = (v * scale for v in expected)
    x, y = found.x + found.width / 2, found.y + found.height / 2
    covers = (found.x <= left + (right - left) / 4 and found.x + found.width >= right
              - (right - left) / 4)
    return left <= x <= right and top <= y <= bottom and covers


def _jpeg(image):
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=90)
    return out.getvalue()


def _photograph(name, scale):
    from PIL import Image
    from skimage import data
    from skimage import io as skio

    loader = getattr(data, name, None)
    array = loader() if loader else skio.imread(
        f"{data.data_dir}/{name}.png")
    image = Image.fromarray(array if array.dtype != bool else array.astype("uint8") * 255)
    if scale != 1:
        image = image.resize((image.width * scale, image.height * scale))
        image.thumbnail((2048, 2048))
    return image


def _timed(find, content, width, height):
    cpu, wall = time.process_time(), time.perf_counter()
    found = find(content, width, height)
    return found, (time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000


def report(print_table):
    """Print the detector's figures; return no failures (they are figures, not checks)."""
    sys.path.insert(0, str(PROJECT_ROOT))
    from app.moderation.detection import find_regions

    rows, totals = [], {"faces": 0, "found": 0, "right": 0, "wrong": 0, "plates": 0}
    cpu_times, wall_times = [], []
    for name, faces in PHOTOGRAPHS:
        for scale in (1, 3):
            image = _photograph(name, scale)
            ratio = image.width / _photograph(name, 1).width
            found, cpu, wall = _timed(find_regions, _jpeg(image), image.width, image.height)
            cpu_times.append(cpu)
            wall_times.append(wall)
            boxes = [f for f in found if f.kind == "face"]
            right = sum(any(_centre_inside(f, face, ratio) for f in boxes) for face in faces)
            wrong = sum(not any(_centre_inside(f, face, ratio) for face in faces) for f in boxes)
            plates = len(found) - len(boxes)
            for key, value in (("faces", len(faces)), ("found", right), ("right", right),
                               ("wrong", wrong), ("plates", plates)):
                totals[key] += value
            rows.append([name, f"{image.width}×{image.height}", str(len(faces)), str(right),
                         str(wrong), str(plates), f"{cpu:.0f}", f"{wall:.0f}"])
    print_table("Detector on scikit-image photographs (faces read by eye; OpenCV Haar "
                "cascades, 1 thread of this machine)",
                ["photo", "size", "faces", "found", "wrong boxes", "plate boxes", "CPU ms",
                 "wall ms"], rows)
    print(f"Faces found {totals['right']}/{totals['faces']}; wrong face boxes "
          f"{totals['wrong']}; plate boxes (no plate in these photos) {totals['plates']}; "
          f"CPU ms per photo median {sorted(cpu_times)[len(cpu_times) // 2]:.0f}, "
          f"max {max(cpu_times):.0f}")
    print(_lfw(find_regions))
    return []


def _lfw(find_regions):
    """Recall and false alarms on LFW's 100 face and 100 non-face 25 px crops, enlarged to
    100 px with a border, as a face of a phone photo would be."""
    from PIL import Image, ImageOps
    from skimage import data

    crops = data.lfw_subset()
    hits = []
    for crop in crops:
        image = Image.fromarray((crop * 255).astype("uint8")).resize((100, 100))
        image = ImageOps.expand(image, border=40, fill=int(crop.mean() * 255))
        hits.append(any(f.kind == "face" for f in find_regions(_jpeg(image), 180, 180)))
    return (f"LFW crops: faces found {sum(hits[:100])}/100, non-face crops taken for a face "
            f"{sum(hits[100:])}/100")
