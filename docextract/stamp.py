"""An official seal over the table. A red one vanishes in the brightest channel; a grey one (a copy of a
copy) cannot be told from print by colour, so its ring is found by shape and painted over before OCR."""

from __future__ import annotations

import cv2
import numpy as np

RING_RADIUS_MM = (11, 28)  # official seals are 38-42 mm across; generous either way
RING_HALF_WIDTH_MM = 1.8  # a detected edge is the ring's inner or outer rim; the ring is ~2-3 mm wide


def suppress_red(image: np.ndarray) -> np.ndarray:
    """Gray page without a red seal: in the brightest channel red is as light as paper, while black
    print stays dark. A gray image passes through."""
    return image if image.ndim == 2 else image.max(axis=2)


def seal_rings(gray: np.ndarray, dpi: float) -> list[tuple[float, float, float, float]]:
    """(cx, cy, inner, outer) radii in pixels of each seal ring on the page."""
    scale = 100 / dpi  # a 100-dpi copy suffices and keeps the Hough transform cheap
    small = cv2.GaussianBlur(cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA), (5, 5), 0)
    px_per_mm = 100 / 25.4
    lo, hi = (round(r * px_per_mm) for r in RING_RADIUS_MM)
    found = cv2.HoughCircles(small, cv2.HOUGH_GRADIENT_ALT, dp=1.5, minDist=2 * lo, param1=150, param2=0.7,
                             minRadius=lo, maxRadius=hi)
    if found is None:
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


def erase_rings(gray: np.ndarray, rings: list[tuple[float, float, float, float]]) -> np.ndarray:
    """The page with each ring's band set to the paper's shade (print under the band goes with it)."""
    if not rings:
        return gray
    out = gray.copy()
    paper = int(np.median(gray[::8, ::8]))
    mask = np.zeros(gray.shape, np.uint8)
    for x, y, inner, outer in rings:
        cv2.circle(mask, (round(x), round(y)), round((inner + outer) / 2), 255, thickness=max(1, round(outer - inner)))
    out[mask > 0] = paper
    return out
