"""Make a page image good for OCR: upright, straight, flat, evenly lit.

``prepare(image)`` returns a ``Prepared`` page. Clean 300 dpi scans take the fast path: a
few cheap measurements on half- and quarter-size views (``cv2.pyrDown``) show that nothing
is needed, and the very same image object is returned (~70 ms for an A4 page, against
~1.5-2 s of OCR). Otherwise, in this order:

* **Phone photos** (a darker background around the page): the page quadrilateral is found
  on the quarter view (Otsu threshold, else Canny edges; largest convex four-corner
  contour), and the full-resolution image is warped to a rectangle, small photos scaled up
  to a page width of ``MIN_PAGE_WIDTH``.
* **Shadows**: divided by the background (a large-kernel morphological close of the
  quarter view, box-blurred and scaled back up), so the paper becomes evenly white.
* **Orientation**: text lines run along rows or columns (sharpest projection profile);
  upright Latin text has more ink above its x-height band (capitals, ascenders) than below
  it (descenders), measured per text line on the half view. Only when those cheap signals
  are unsure is tesseract's orientation detection (``--psm 0``, ~1.5 s a page) asked: on
  the corpus that never happened for scans. ``rotated_by`` is the clockwise turn applied.
* **Skew**: the tilt in ±5° whose row profile of the ink pixels is sharpest (a shear of
  the pixel coordinates, no image warps); corrected from ``MIN_SKEW`` on.

``straightened`` is True when any of perspective, shadow or skew was corrected. The result
is grayscale (tesseract binarises better itself once the light is even).
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

MIN_SKEW = 0.5  # degrees; below this tesseract does not care
MIN_PAGE_WIDTH = 1700  # a warped photo page narrower than this is scaled up for OCR
# Ascender/descender ink ratio: measured on the corpus, upright pages 1.37-22, upside-down
# 0.07-0.51. Between the two bounds tesseract's OSD decides.
UPRIGHT_RATIO = 1.25
INVERTED_RATIO = 0.75
MIN_INK = 500  # ink pixels (half view) below which a page counts as empty


@dataclass
class Prepared:
    image: Image.Image
    rotated_by: int  # 0, 90, 180, 270: clockwise turn applied to make the page upright
    straightened: bool  # perspective corrected and/or flattened and/or deskewed


def prepare(image: Image.Image) -> Prepared:
    gray = np.asarray(image if image.mode == "L" else image.convert("L"))
    half = cv2.pyrDown(gray)
    quarter = cv2.pyrDown(half)
    changed = False
    if _has_background(quarter):
        quad = _find_page(quarter)
        if quad is not None:
            gray = _warp(gray, quad * (gray.shape[1] / quarter.shape[1]))
            half = cv2.pyrDown(gray)
            quarter = cv2.pyrDown(half)
            changed = True
    background = _background(quarter)
    if changed or _uneven(background):
        gray = _flatten(gray, background)
        half = cv2.pyrDown(gray)
        changed = True
    _, ink = cv2.threshold(half, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    ys, xs = np.nonzero(ink)
    rotation, angle = 0, 0.0
    if MIN_INK <= len(ys) <= 0.3 * ink.size:
        # Lines along the rows or, on a page turned by a quarter, along the columns: compare
        # the sharpest row profile of each reading (each at its own best skew angle).
        turned_ys, turned_xs = xs, ink.shape[0] - 1 - ys  # after a clockwise quarter turn
        angle, along_rows = _skew(ys, xs)
        turned_angle, along_columns = _skew(turned_ys, turned_xs)
        sideways = along_columns > 1.5 * along_rows
        if sideways:
            ys, xs, angle = turned_ys, turned_xs, turned_angle
        guess = _orientation(_profile(ys, xs, angle), sideways)
        if guess is None:
            guess = _osd(gray)
            if (guess in (90, 270)) != sideways:
                ys, xs = np.nonzero(_turn(ink, guess))
                angle, _ = _skew(ys, xs)
        rotation = guess
    if rotation:
        gray = _turn(gray, rotation)  # a half turn keeps the angle of the text lines
    if abs(angle) >= MIN_SKEW:
        gray = _rotate_small(gray, -angle)
        changed = True
    if not changed and not rotation:
        return Prepared(image, 0, False)
    return Prepared(Image.fromarray(gray), rotation, changed)


def _has_background(quarter: np.ndarray) -> bool:
    """A photo shows the table around the page: a dark frame, unlike a scan's white one."""
    height, width = quarter.shape
    band = max(3, min(height, width) // 40)
    frame = np.concatenate([quarter[:band].ravel(), quarter[-band:].ravel(),
                            quarter[:, :band].ravel(), quarter[:, -band:].ravel()])  # fmt: skip
    centre = quarter[height // 4 : 3 * height // 4, width // 4 : 3 * width // 4]
    paper = float(np.percentile(centre, 90))
    return float(np.median(frame)) < 0.75 * paper


def _order(points: np.ndarray) -> np.ndarray:
    points = points.reshape(4, 2).astype(np.float32)
    total, diff = points.sum(axis=1), np.diff(points, axis=1).ravel()
    corners = [np.argmin(total), np.argmin(diff), np.argmax(total), np.argmax(diff)]
    return np.array([points[i] for i in corners], dtype=np.float32)


def _quad(mask: np.ndarray) -> np.ndarray | None:
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    contour = cv2.convexHull(max(contours, key=cv2.contourArea))
    area = cv2.contourArea(contour)
    if not 0.15 * mask.size < area < 0.985 * mask.size:
        return None
    perimeter = cv2.arcLength(contour, True)
    for epsilon in (0.01, 0.02, 0.03, 0.05):
        approx = cv2.approxPolyDP(contour, epsilon * perimeter, True)
        if len(approx) == 4 and cv2.isContourConvex(approx):
            return _order(approx)
    return None


def _find_page(thumb: np.ndarray) -> np.ndarray | None:
    blurred = cv2.GaussianBlur(thumb, (5, 5), 0)
    _, mask = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    quad = _quad(mask)
    if quad is None:
        median = float(np.median(blurred))
        edges = cv2.Canny(blurred, 0.5 * median, 1.2 * median)
        edges = cv2.dilate(edges, np.ones((5, 5), np.uint8))
        quad = _quad(edges)
    return quad


def _warp(gray: np.ndarray, quad: np.ndarray) -> np.ndarray:
    top_left, top_right, bottom_right, bottom_left = quad
    width = max(np.linalg.norm(top_right - top_left), np.linalg.norm(bottom_right - bottom_left))
    height = max(np.linalg.norm(bottom_left - top_left), np.linalg.norm(bottom_right - top_right))
    if min(width, height) < MIN_PAGE_WIDTH:  # a small photo: give tesseract ~200 dpi
        factor = MIN_PAGE_WIDTH / min(width, height)
        width, height = width * factor, height * factor
    target = np.array(
        [[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], dtype=np.float32
    )
    matrix = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
    return cv2.warpPerspective(gray, matrix, (int(width), int(height)), flags=cv2.INTER_CUBIC,
                               borderMode=cv2.BORDER_REPLICATE)  # fmt: skip


def _background(quarter: np.ndarray) -> np.ndarray:
    closed = cv2.morphologyEx(quarter, cv2.MORPH_CLOSE, np.ones((21, 21), np.uint8))
    return cv2.blur(closed, (41, 41))


def _uneven(background: np.ndarray) -> bool:
    low, high = np.percentile(background[::4, ::4], [5, 95])
    return bool(high - low > 35 or high < 170)


def _flatten(gray: np.ndarray, background: np.ndarray) -> np.ndarray:
    full = cv2.resize(background, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    flat = cv2.divide(gray, np.maximum(full, 1), scale=255)
    low, high = float(flat.min()), float(flat.max())
    if high <= low:
        return flat
    return cv2.convertScaleAbs(flat, alpha=255.0 / (high - low), beta=-low * 255.0 / (high - low))


def _profile(ys: np.ndarray, xs: np.ndarray, angle: float) -> np.ndarray:
    """Row profile of the ink pixels after turning the page by ``angle`` degrees."""
    shift = (xs - xs.mean()) * np.tan(np.deg2rad(angle))
    rows = np.round(ys + shift).astype(np.int64)
    rows -= rows.min()
    return np.bincount(rows).astype(np.float64)


def _skew(ys: np.ndarray, xs: np.ndarray) -> tuple[float, float]:
    """(tilt, sharpness): the tilt of the text lines in degrees (positive: rising to the
    right as seen, i.e. turning by ``-tilt`` in ``cv2.getRotationMatrix2D`` levels them),
    found as the shear whose row profile is sharpest (sum of squared differences per squared
    ink pixel), and that sharpness."""
    if len(ys) < MIN_INK:
        return 0.0, 0.0
    step = max(1, len(ys) // 40000)  # enough points for a stable profile
    ys, xs = ys[::step], xs[::step]

    def score(angle: float) -> float:
        return float(np.sum(np.diff(_profile(ys, xs, angle)) ** 2)) / len(ys) ** 2

    coarse = max(np.arange(-5, 5.01, 0.5), key=score)
    fine = max(np.arange(coarse - 0.4, coarse + 0.41, 0.1), key=score)
    return float(fine), score(fine)


def _lines(profile: np.ndarray) -> list[tuple[int, int]]:
    """Bands of consecutive rows with ink (text lines) in a row profile."""
    threshold = max(1.0, 0.04 * float(profile.max(initial=0)))
    rows = profile > threshold
    bands, start = [], None
    for index, value in enumerate(rows):
        if value and start is None:
            start = index
        elif not value and start is not None:
            bands.append((start, index))
            start = None
    return [(a, b) for a, b in bands if 6 <= b - a <= 60]


def _orientation(profile: np.ndarray, sideways: bool) -> int | None:
    """Clockwise turn that makes the page upright, or None when unsure: the ink above the
    x-height band of each text line against the ink below it."""
    above = below = 0.0
    lines = 0
    for start, end in _lines(profile):
        band = profile[start:end]
        core = np.nonzero(band >= 0.5 * band.max())[0]
        above += band[: core[0]].sum()
        below += band[core[-1] + 1 :].sum()
        lines += 1
    if lines < 3:
        return None
    ratio = (above + 1) / (below + 1)
    candidates = (90, 270) if sideways else (0, 180)
    if ratio >= UPRIGHT_RATIO:
        return candidates[0]
    if ratio <= INVERTED_RATIO:
        return candidates[1]
    return None


def _turn(array: np.ndarray, clockwise: int) -> np.ndarray:
    return np.ascontiguousarray(np.rot90(array, -(clockwise // 90)))


def _rotate_small(gray: np.ndarray, angle: float) -> np.ndarray:
    height, width = gray.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    return cv2.warpAffine(gray, matrix, (width, height), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REPLICATE)  # fmt: skip


_OSD_ROTATE = re.compile(r"Rotate:\s*(\d+)")


def _osd(gray: np.ndarray) -> int:
    """tesseract's orientation detection (slow; only when the cheap signals are unsure)."""
    ok, png = cv2.imencode(".png", gray)
    if not ok:
        return 0
    try:
        result = subprocess.run(
            ["tesseract", "stdin", "stdout", "--psm", "0", "--dpi", "300"],
            input=png.tobytes(),
            capture_output=True,
            timeout=60,
            env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin:/usr/local/bin"},
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return 0
    match = _OSD_ROTATE.search(result.stdout.decode(errors="replace"))
    return int(match.group(1)) % 360 if match else 0  # "Rotate: N" is clockwise
