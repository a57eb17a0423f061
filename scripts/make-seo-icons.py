"""Draws Kisha's mark (a white K on a red rounded square, the same path as
kisha/seo/static/seo/favicon.svg) as the publisher logo PNG and favicon.ico:
`.venv/bin/python scripts/make-seo-icons.py`, run from the repository root."""

from PIL import Image, ImageDraw


def mark(size):
    s = size / 32
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle([0, 0, size - 1, size - 1], radius=6 * s, fill=(179, 18, 42, 255))
    pts = [
        (9, 7),
        (13, 7),
        (13, 14.2),
        (19.6, 7),
        (24.5, 7),
        (17.2, 15),
        (25, 25),
        (20, 25),
        (14.5, 17.7),
        (13, 19.3),
        (13, 25),
        (9, 25),
    ]
    d.polygon([(x * s, y * s) for x, y in pts], fill=(255, 255, 255, 255))
    return img


logo = Image.new("RGB", (512, 512), "white")
logo.paste(mark(512), mask=mark(512))
logo.save("kisha/seo/static/seo/logo.png", optimize=True)
big = mark(256)
big.save("kisha/seo/static/seo/favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
