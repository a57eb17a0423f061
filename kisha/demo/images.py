"""Demo photos drawn with Pillow: skylines, seas, mountains and flags as soft geometric scenes.

No fonts are needed and nothing is downloaded. Each picture depends only on the seed and its
position, so every run draws the same 24 images, which `services.py` stores once (by title) and
reuses across articles.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache
from io import BytesIO

from PIL import Image, ImageDraw, ImageFilter

from . import content as c
from .writer import IMAGE_COUNT, image_agency, image_kind

SIZE = (1600, 900)

# Sky colours (top, horizon) for dawn, day, dusk and night scenes.
SKIES = (
    ((34, 48, 92), (238, 164, 118)),
    ((70, 130, 200), (196, 226, 245)),
    ((48, 36, 84), (244, 120, 92)),
    ((12, 18, 40), (58, 72, 120)),
    ((90, 120, 160), (225, 210, 190)),
)


@dataclass(frozen=True)
class ImageSpec:
    position: int
    title: str
    alt: str
    kind: str
    agency: str
    photographer: str
    year: int
    filename: str


def image_specs(*, seed: int) -> list[ImageSpec]:
    """The demo image set: titles, credits and alt text for each of the `IMAGE_COUNT` pictures."""
    specs = []
    for position in range(IMAGE_COUNT):
        rng = random.Random(seed * 31 + position)
        kind = image_kind(position)
        agency = image_agency(position)
        city = c.CITIES[position % len(c.CITIES)]
        subject = next(text for text, k in c.IMAGE_SUBJECTS if k == kind).format(city=city)
        if agency in ("ロイター", "AP"):
            photographer = rng.choice(c.PHOTOGRAPHERS)
        elif agency == "週刊キシャ":
            photographer = rng.choice(c.STAFF_PHOTOGRAPHERS).removeprefix("撮影・")
        else:
            photographer = ""  # Japanese agencies are credited by name alone.
        specs.append(
            ImageSpec(
                position=position,
                title=f"デモ{position + 1:02d} {subject}",
                alt=subject,
                kind=kind,
                agency=agency,
                photographer=photographer,
                year=rng.choice((2023, 2024, 2025, 2025, 2026)),
                filename=f"demo-{position + 1:02d}.jpg",
            )
        )
    return specs


@cache
def _grain() -> Image.Image:
    """Film grain, drawn once: it only needs to look like noise, not differ per picture."""
    return Image.effect_noise(SIZE, 18).convert("RGB")


@cache
def image_draw(*, seed: int, position: int, kind: str) -> bytes:
    """A 1600×900 JPEG for one demo image (kept in memory: tests build the demo many times)."""
    rng = random.Random(seed * 131 + position)
    top, horizon = SKIES[rng.randrange(len(SKIES))]
    horizon_y = rng.randint(430, 600)
    picture = _gradient(top, horizon, SIZE[1])
    draw = ImageDraw.Draw(picture)
    {"skyline": _skyline, "sea": _sea, "mountains": _mountains, "abstract": _flags}[kind](
        draw, rng, horizon_y, top, horizon
    )
    picture = picture.filter(ImageFilter.BoxBlur(1))
    picture = Image.blend(picture, _grain(), 0.05)
    out = BytesIO()
    picture.save(out, format="JPEG", quality=84, optimize=True)
    return out.getvalue()


def _mix(a, b, t: float) -> tuple[int, int, int]:
    return tuple(int(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def _gradient(top, bottom, height: int) -> Image.Image:
    strip = Image.new("RGB", (1, height))
    for y in range(height):
        strip.putpixel((0, y), _mix(top, bottom, y / (height - 1)))
    return strip.resize(SIZE)


def _sun(draw, rng, horizon_y, horizon, colour=(255, 226, 170)):
    x = rng.randint(200, 1400)
    y = rng.randint(horizon_y - 320, horizon_y - 60)
    r = rng.randint(40, 90)
    for k in range(6, 0, -1):  # a soft halo, fading into the sky
        glow = _mix(horizon, colour, 0.12 * (7 - k))
        draw.ellipse((x - r - 16 * k, y - r - 16 * k, x + r + 16 * k, y + r + 16 * k), fill=glow)
    draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    return x


def _skyline(draw, rng, horizon_y, top, horizon):
    _sun(draw, rng, horizon_y, horizon)
    for layer, shade in enumerate((0.55, 0.8)):
        colour = _mix(horizon, (14, 16, 28), shade)
        x = -20
        while x < SIZE[0]:
            w = rng.randint(50, 150)
            h = rng.randint(80, 380) + layer * 40
            draw.rectangle((x, horizon_y + 120 - h, x + w, SIZE[1]), fill=colour)
            if layer == 1:  # lit windows on the near buildings
                for wy in range(horizon_y + 140 - h, SIZE[1] - 20, 26):
                    for wx in range(x + 10, x + w - 14, 22):
                        if rng.random() < 0.3:
                            draw.rectangle((wx, wy, wx + 8, wy + 12), fill=(250, 214, 140))
            x += w + rng.randint(0, 16)


def _sea(draw, rng, horizon_y, top, horizon):
    sun_x = _sun(draw, rng, horizon_y, horizon)
    water_top = _mix(top, (20, 60, 90), 0.4)
    for y in range(horizon_y, SIZE[1]):
        t = (y - horizon_y) / (SIZE[1] - horizon_y)
        draw.line((0, y, SIZE[0], y), fill=_mix(_mix(horizon, water_top, 0.5), water_top, t))
    for _ in range(140):  # glints and wave lines
        y = rng.randint(horizon_y + 4, SIZE[1])
        spread = 40 + (y - horizon_y) * 0.8
        x = sun_x + rng.uniform(-spread, spread)
        draw.line((x - 30, y, x + 30, y), fill=(250, 230, 190), width=2)
    land = _mix(top, (10, 12, 20), 0.7)
    draw.polygon(
        [(0, horizon_y), (0, horizon_y - 70), (260, horizon_y - 30), (420, horizon_y)], fill=land
    )


def _mountains(draw, rng, horizon_y, top, horizon):
    _sun(draw, rng, horizon_y, horizon)
    for layer in range(4):
        colour = _mix(horizon, (28, 40, 60), 0.3 + layer * 0.18)
        base = horizon_y + layer * 90
        points = [(0, SIZE[1]), (0, base)]
        x = 0
        while x < SIZE[0]:
            x += rng.randint(120, 320)
            points.append((x, base - rng.randint(60, 260 - layer * 40)))
        points += [(SIZE[0], base), (SIZE[0], SIZE[1])]
        draw.polygon(points, fill=colour)
        if layer == 0:  # snow on the far peaks
            for px, py in points[2:-2]:
                draw.polygon(
                    [(px - 36, py + 40), (px, py), (px + 36, py + 40)], fill=(240, 244, 250)
                )


def _flags(draw, rng, horizon_y, top, horizon):
    """Invented banners (a field, a diagonal band and a disc), not any country's flag."""
    palette = [(196, 84, 70), (236, 232, 220), (52, 86, 140), (222, 176, 72), (56, 128, 102)]
    for i in range(rng.randint(3, 5)):
        x0 = 120 + i * 300 + rng.randint(-30, 30)
        draw.rectangle((x0, 120, x0 + 10, SIZE[1]), fill=(90, 90, 96))
        field, band, disc = rng.sample(palette, 3)
        draw.rectangle((x0 + 10, 130, x0 + 250, 290), fill=field)
        draw.polygon([(x0 + 10, 290), (x0 + 250, 130), (x0 + 250, 190), (x0 + 100, 290)], fill=band)
        draw.ellipse((x0 + 40, 150, x0 + 100, 210), fill=disc)
    draw.rectangle((0, SIZE[1] - 160, SIZE[0], SIZE[1]), fill=_mix(top, (30, 30, 36), 0.6))
