"""An official seal over the table. A red one vanishes in the brightest channel; a grey one (a copy of a
copy) cannot be told from print by colour, so its ring is found by shape and taken out before OCR: the
ring's own stroke is measured (centre, radius, width), and the stroke's shade along the ring is divided
out. Stamp ink darkens what it covers by a factor, so print the ring crosses (the '1' of a 15.00 under
it) stays print, where painting the ring's band over took the digit with it."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

RING_RADIUS_MM = (11, 28)  # official seals are 38-42 mm across; generous either way
RING_HALF_WIDTH_MM = 1.8  # a detected edge is the ring's inner or outer rim; the ring is ~2-3 mm wide
SEARCH_MM = 3.0  # how far from a detected rim the ring's stroke is looked for
RING_MARGIN = 2.0  # pixels either side of the measured stroke: blur and JPEG spread it
# the stretch of ring whose lighter part is the ring's own shade at a point: longer than a digit it runs along
RING_ARC_WINDOW_MM = 10.0
RING_LEVEL_PERCENTILE = 80
# red seal ink: how red a pixel must be to measure the seal's colour on, and the colour's tint where it cannot be
MIN_SEAL_CHROMA = 60
MIN_SEAL_PIXELS = 200
TYPICAL_SEAL_TINT = 0.3  # (1 − r) / (r − g) of a seal printed (205, 32, 40): its lowest channel is green
MAX_SEAL_TINT = 2.0
PAPER_PERCENTILE = 90


@dataclass(frozen=True)
class Seal:
    """A seal's ring in page pixels: centre, the radius of the stroke's middle, the stroke's half width."""

    x: float
    y: float
    radius: float
    half_width: float
    dpi: float

    def overlaps(self, box: tuple[float, float, float, float], margin: float = 0.0) -> bool:
        """Whether the box reaches into the disk of the ring (plus `margin`)."""
        nx, ny = min(max(self.x, box[0]), box[2]), min(max(self.y, box[1]), box[3])
        return (nx - self.x) ** 2 + (ny - self.y) ** 2 <= (self.radius + self.half_width + margin) ** 2


def suppress_red(image: np.ndarray) -> np.ndarray:
    """Gray page (RGB in) without a red seal. Seal ink multiplies what it covers by its colour, so red
    is lighter than print in every channel but not as light as paper in the red one: its inscription
    would still read. Under that model the red channel plus `tint` × (red − the lowest channel) is the
    paper or neutral print beneath, exactly, whatever share of ink the seal left there. Print in other
    colours keeps its brightest channel. A gray image passes through."""
    if image.ndim == 2:
        return image
    rgb = image.astype(np.float32)
    red, brightest = rgb[..., 0], rgb.max(axis=2)
    chroma = np.clip(red - rgb[..., 1:].min(axis=2), 0, None)
    beneath = red + seal_tint(red, brightest, chroma) * chroma
    return np.clip(np.maximum(brightest, beneath), 0, 255).round().astype(np.uint8)


def seal_tint(red: np.ndarray, brightest: np.ndarray, chroma: np.ndarray) -> float:
    """(paper − red) / chroma over seal ink on paper: the seal colour's (1 − r) / (r − lowest), the same for
    any amount of ink. Measured on the page's strongly red pixels; a typical red seal's where too few."""
    paper = float(np.percentile(brightest, PAPER_PERCENTILE))
    strong = (chroma > MIN_SEAL_CHROMA) & (red > 0.5 * paper)
    if np.count_nonzero(strong) < MIN_SEAL_PIXELS:
        return TYPICAL_SEAL_TINT
    return float(np.clip(np.median((paper - red[strong]) / chroma[strong]), 0.0, MAX_SEAL_TINT))


def seal_rings(gray: np.ndarray, dpi: float) -> list[tuple[float, float, float, float]]:
    """(cx, cy, inner, outer) radii in pixels of each seal ring on the page."""
    scale = 100 / dpi  # a 100-dpi copy suffices and keeps the Hough transform cheap
    small = cv2.GaussianBlur(cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA), (5, 5), 0)
    px_per_mm = 100 / 25.4
    lo, hi = (round(r * px_per_mm) for r in RING_RADIUS_MM)
    found = cv2.HoughCircles(small, cv2.HOUGH_GRADIENT_ALT, dp=1.5, minDist=2 * lo, param1=150, param2=0.7,
                             minRadius=lo, maxRadius=hi)
    if found is None or len(found) == 0:  # OpenCV 4 answers None, 5 an empty array
        return []
    # the rims of one ring come as concentric circles: one ring per centre
    rings: list[list[float]] = []
    for x, y, r in found.reshape(-1, 3) / scale:
        ring = next((g for g in rings if abs(g[0] - x) + abs(g[1] - y) < 0.2 * r), None)
        if ring is None:
            rings.append([x, y, r, r])
        else:
            ring[2], ring[3] = min(ring[2], r), max(ring[3], r)
    half = RING_HALF_WIDTH_MM * dpi / 25.4
    return [(x, y, r0 - half, r1 + half) for x, y, r0, r1 in rings]


def find_seals(gray: np.ndarray, ink: np.ndarray, dpi: float) -> list[Seal]:
    """Each seal ring on the page, measured on the page's ink (255 on 0)."""
    seals = []
    for x, y, inner, outer in seal_rings(gray, dpi):
        seal = _measure(ink, x, y, (inner + outer) / 2, dpi)
        if seal is not None:
            seals.append(seal)
    return seals


def _measure(ink: np.ndarray, x: float, y: float, radius: float, dpi: float) -> Seal | None:
    """The ring's stroke near a detected circle: the radius where the ink forms a circle (most ink per
    unit of circumference), the stroke's width from that peak, the centre refitted on the stroke."""
    search = SEARCH_MM * dpi / 25.4 + RING_HALF_WIDTH_MM * dpi / 25.4
    h, w = ink.shape
    for _ in range(2):
        reach = radius + search + 2
        x0, y0 = max(0, int(x - reach)), max(0, int(y - reach))
        x1, y1 = min(w, int(x + reach) + 1), min(h, int(y + reach) + 1)
        if x1 - x0 < 8 or y1 - y0 < 8:
            return None
        ys, xs = np.mgrid[y0:y1, x0:x1]
        dist = np.hypot(xs - x, ys - y)
        near = np.abs(dist - radius) <= search
        on = near & (ink[y0:y1, x0:x1] > 0)
        bins = np.arange(int(radius - search), int(radius + search) + 2)
        total = np.histogram(dist[near], bins)[0]
        dark = np.histogram(dist[on], bins)[0]
        share = np.where(total > 0, dark / np.maximum(total, 1), 0.0)
        share = np.convolve(share, np.ones(3) / 3, mode="same")
        peak = int(np.argmax(share))
        if share[peak] < 0.3:  # no stroke runs round here: not a ring
            return None
        lo = hi = peak
        while lo > 0 and share[lo - 1] >= 0.35 * share[peak]:
            lo -= 1
        while hi + 1 < len(share) and share[hi + 1] >= 0.35 * share[peak]:
            hi += 1
        radius, half = float(bins[lo] + bins[hi + 1]) / 2, float(bins[hi + 1] - bins[lo]) / 2
        # refit the centre on the stroke's pixels (algebraic circle fit)
        stroke = on & (np.abs(dist - radius) <= half + 1)
        px, py = xs[stroke].astype(float), ys[stroke].astype(float)
        if px.size < 50:
            return None
        a = np.column_stack([px, py, np.ones_like(px)])
        cx, cy, c = np.linalg.lstsq(a, px ** 2 + py ** 2, rcond=None)[0]
        x, y = cx / 2, cy / 2
        radius = float(np.sqrt(c + x * x + y * y))
        search = 4 * half + 2
    return Seal(float(x), float(y), radius, half, dpi)


def remove_seals(gray: np.ndarray, seals: list[Seal]) -> np.ndarray:
    """The page with each ring divided out. A seal darkens what it covers by a factor (ink on ink), so
    along the ring, at each distance from its centre, the lighter part of the pixels around a point is
    the ring alone, and the paper just inside and outside the ring is what it covers; scaling by their
    ratio leaves paper where the ring ran over paper and print where it ran over print."""
    if not seals:
        return gray
    out = gray.astype(np.float32)
    for s in seals:
        reach = s.radius + s.half_width + RING_MARGIN + 6
        x0, y0 = max(0, int(s.x - reach)), max(0, int(s.y - reach))
        x1, y1 = min(gray.shape[1], int(s.x + reach) + 1), min(gray.shape[0], int(s.y + reach) + 1)
        if x1 - x0 < 4 or y1 - y0 < 4:
            continue
        roi = out[y0:y1, x0:x1]
        centre = (s.x - x0, s.y - y0)
        rows = max(64, int(2 * np.pi * reach))  # about a pixel of arc per row
        size = (int(reach) + 1, rows)  # a column per pixel of radius, a row per step of angle
        polar = cv2.warpPolar(roi, size, centre, size[0], cv2.WARP_POLAR_LINEAR | cv2.INTER_LINEAR)
        lo = max(0, int(s.radius - s.half_width - RING_MARGIN))
        hi = min(size[0] - 3, int(np.ceil(s.radius + s.half_width + RING_MARGIN)) + 1)
        # the lighter part of a stretch of arc: the ring's shade, or the paper's beside it
        half = max(3, int(RING_ARC_WINDOW_MM / 25.4 * s.dpi / 2))
        window = polar[:, max(0, lo - 3):hi + 3]
        stack = np.stack([np.roll(window, k, axis=0) for k in range(-half, half + 1)])
        level = np.percentile(stack, RING_LEVEL_PERCENTILE, axis=0)
        side = min(3, lo)
        paper = np.maximum(level[:, :side].max(axis=1) if side else 0, level[:, -3:].max(axis=1))
        gain = np.ones((rows, size[0]), np.float32)
        gain[:, lo:hi] = np.clip(paper[:, None] / np.maximum(level[:, side:side + hi - lo], 1.0), 1.0, 4.0)
        # back to the page: each pixel's radius is its column, its angle its row
        ys, xs = np.mgrid[0:y1 - y0, 0:x1 - x0].astype(np.float32)
        dx, dy = xs - np.float32(centre[0]), ys - np.float32(centre[1])
        radius = np.sqrt(dx * dx + dy * dy)
        angle = (np.arctan2(dy, dx) % (2 * np.pi)) * np.float32(rows / (2 * np.pi))
        back = cv2.remap(gain, radius, angle, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=1.0)
        out[y0:y1, x0:x1] = np.minimum(roi * back, 255)
    return out.round().astype(np.uint8)
