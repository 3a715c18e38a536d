"""Photo decoding under load, and /healthz meanwhile.

Six clients at once each send POST /api/v1/items with three photos that are small to
upload but large to decode, while /healthz is polled every 100 ms. For each kind of photo
the table gives the wall time of the six requests, their answers, the peak memory of
the gunicorn workers (the sum of their resident sizes, sampled every 20 ms, and how much
it grew from idle) and the /healthz latencies seen during the load.

- PNG 6,300 x 6,300 (8-bit, about 38 KB): what an outside review sent; PNG cannot be
  decoded at a reduced size, so photos over 16 megapixels are refused before decoding.
- JPEG 6,300 x 6,300: accepted, decoded at half size in draft mode.
- JPEG 4,000 x 3,000: a phone's 12 megapixels, decoded at full size.
"""

import io
import threading
import time

from harness import BenchError, percentile, request, serve_process, workers_of
from item_capture import INSIDE, multipart, staff_token

CLIENTS = 6
PHOTOS_PER_REQUEST = 3
HEALTH_EVERY_S = 0.1
SAMPLE_EVERY_S = 0.02
TIME_LIMIT_S = 120


def _image(fmt, width, height):
    from PIL import Image

    image = Image.new("L" if fmt == "PNG" else "RGB", (width, height), 128)
    out = io.BytesIO()
    image.save(out, fmt, **({"optimize": True} if fmt == "PNG" else {"quality": 85}))
    return out.getvalue()


def _resident_bytes(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


class Sampler(threading.Thread):
    """Polls /healthz and samples the memory of the master's workers (those it starts
    again after a timeout included) until stopped."""

    def __init__(self, base_url, master_pid):
        super().__init__(daemon=True)
        self.base_url, self.master_pid = base_url, master_pid
        self.health_ms, self.health_failures, self.peak = [], [], 0
        self.stopped = threading.Event()

    def run(self):
        next_health = 0
        while not self.stopped.is_set():
            self.peak = max(self.peak, _resident_bytes(workers_of(self.master_pid)))
            if time.monotonic() >= next_health:
                next_health = time.monotonic() + HEALTH_EVERY_S
                threading.Thread(target=self._health, daemon=True).start()
            time.sleep(SAMPLE_EVERY_S)

    def _health(self):
        started = time.perf_counter()
        try:
            status, _body = request(self.base_url + "/healthz", timeout=30)
        except OSError as error:
            self.health_failures.append(type(error).__name__)
            return
        if status != 200:
            self.health_failures.append(f"HTTP {status}")
        self.health_ms.append((time.perf_counter() - started) * 1000)


def _load(base_url, master_pid, body, headers):
    """Send the CLIENTS requests at once; return (seconds, statuses, sampler)."""
    statuses = []
    sampler = Sampler(base_url, master_pid)

    def client():
        try:
            statuses.append(request(base_url + "/api/v1/items", "POST", body, headers,
                                    timeout=TIME_LIMIT_S)[0])
        except OSError as error:
            statuses.append(type(error).__name__)

    clients = [threading.Thread(target=client) for _ in range(CLIENTS)]
    sampler.start()
    time.sleep(0.3)  # a few idle /healthz first
    started = time.perf_counter()
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join(TIME_LIMIT_S)
    elapsed = time.perf_counter() - started
    sampler.stopped.set()
    sampler.join()
    time.sleep(0.5)  # let the last /healthz answer
    return elapsed, statuses, sampler


def report(env, print_table):
    token = staff_token(env)
    headers_auth = {"Authorization": f"Bearer {token}"}
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(INSIDE)},
               "properties": {"kind": "gusp", "category": "proprete", "on_behalf": True,
                              "description": "Photos du banc d'essai"}}
    kinds = [("PNG 6300x6300", "PNG", 6300, 6300), ("JPEG 6300x6300", "JPEG", 6300, 6300),
             ("JPEG 4000x3000", "JPEG", 4000, 3000)]
    rows, failed = [], []
    with serve_process(env) as (base_url, server):
        if not workers_of(server.pid):
            raise BenchError("no gunicorn worker found to measure")
        for label, fmt, width, height in kinds:
            photo = _image(fmt, width, height)
            body, content_type = multipart(feature, [photo] * PHOTOS_PER_REQUEST)
            idle = _resident_bytes(workers_of(server.pid))
            elapsed, statuses, sampler = _load(base_url, server.pid, body,
                                               {**headers_auth, "Content-Type": content_type})
            statuses = [str(status) for status in statuses]
            answers = ", ".join(f"{statuses.count(s)}x{s}" for s in sorted(set(statuses)))
            health = sampler.health_ms
            rows.append([f"{label} ({len(photo) / 1000:.0f} KB)", f"{elapsed:.2f}", answers,
                         f"{sampler.peak / 1e6:.0f}", f"{(sampler.peak - idle) / 1e6:+.0f}",
                         f"{percentile(health, 50):.0f}", f"{max(health, default=0):.0f}",
                         str(len(sampler.health_failures))])
            if any(s[0] not in "24" for s in statuses) or sampler.health_failures:
                failed.append((label, f"answers {answers}; /healthz failures "
                               f"{sampler.health_failures[:3]}", 1))
    print_table(
        f"Photo load: {CLIENTS} clients at once, {PHOTOS_PER_REQUEST} photos each, "
        f"/healthz every {HEALTH_EVERY_S * 1000:.0f} ms (gunicorn.conf.py, 2 workers)",
        ["photos", "wall s", "answers", "peak MB", "vs idle MB", "healthz p50 ms",
         "healthz max ms", "healthz failed"], rows)
    return failed
