"""Generate the hero photos for the Newsroom demo articles.

Run from the repository root:

    python3 demo/make_photos.py

Draws one abstract "editorial illustration" per demo article (gradient sky,
simple geometric skylines, charts, ships, chips, factories...) and saves it as
a 1600x900 JPEG in demo/photos/. No text is drawn. Only Pillow is
needed. Every random choice comes from a generator seeded with the photo's
name, so running the script again gives byte-identical files (for the same
Pillow version). It is long because each picture is drawn by hand, one function
per scene; it is a tool for the demo content and never runs on a site.
"""

import math
import random
import zlib
from pathlib import Path

from PIL import Image, ImageDraw

OUT_DIR = Path(__file__).resolve().parent / "photos"
W, H = 1600, 900  # final size
SS = 2  # supersampling factor for smooth edges
CW, CH = W * SS, H * SS  # drawing canvas size
QUALITY = 80


# ---------------------------------------------------------------- helpers


def X(f):
    return int(round(f * CW))


def Y(f):
    return int(round(f * CH))


def lerp(a, b, t):
    return tuple(int(round(a[i] + (b[i] - a[i]) * t)) for i in range(3))


def shade(c, k):
    """Darken (k < 1) or lighten (k > 1) an RGB colour."""
    if k <= 1:
        return tuple(int(v * k) for v in c)
    return lerp(c, (255, 255, 255), min(1.0, k - 1))


def rgba(c, a):
    return (c[0], c[1], c[2], a)


def vgradient(size, stops):
    """Vertical gradient through evenly spaced colour stops."""
    w, h = size
    col = Image.new("RGB", (1, h))
    px = col.load()
    n = len(stops) - 1
    for y in range(h):
        t = y / max(1, h - 1) * n
        i = min(int(t), n - 1)
        px[0, y] = lerp(stops[i], stops[i + 1], t - i)
    return col.resize((w, h))


def glow(img, cx, cy, r, color, strength=1.0):
    """Soft radial light centred on (cx, cy)."""
    mask = Image.radial_gradient("L").resize((2 * r, 2 * r))
    # radial_gradient is 0 at the centre and 181 at the middle of each edge
    mask = mask.point(lambda v: int(255 * strength * max(0.0, 1 - v / 181) ** 2))
    img.paste(Image.new("RGB", (2 * r, 2 * r), color), (cx - r, cy - r), mask)


def band(img, y0, y1, stops):
    """Paste a horizontal gradient band (water, ground, floor...)."""
    img.paste(vgradient((CW, y1 - y0), stops), (0, y0))


def hills(d, rng, base, amp, color, waves=3):
    pts = [(0, CH)]
    phase = rng.random() * 6.28
    for i in range(0, 81):
        x = CW * i / 80
        y = base - amp * (
            0.6
            + 0.4
            * math.sin(phase + i / 80 * math.pi * waves)
            * math.cos(phase * 0.7 + i / 80 * math.pi * 1.3)
        )
        pts.append((x, y))
    pts.append((CW, CH))
    d.polygon(pts, fill=color)


def skyline(
    d,
    rng,
    base,
    hmin,
    hmax,
    color,
    windows=None,
    x0=0,
    x1=CW,
    wmin=90,
    wmax=260,
    density=0.22,
):
    x = x0 - rng.randint(0, 120)
    while x < x1:
        w = rng.randint(wmin, wmax)
        h = rng.randint(hmin, hmax)
        top = base - h
        d.rectangle([x, top, x + w, base], fill=color)
        r = rng.random()
        if r < 0.18:  # antenna
            d.rectangle([x + w // 2 - 4, top - h // 5, x + w // 2 + 4, top], fill=color)
        elif r < 0.36:  # stepped crown
            d.rectangle([x + w // 6, top - h // 10, x + w - w // 6, top], fill=color)
            d.rectangle([x + w // 3, top - h // 5, x + w - w // 3, top], fill=color)
        elif r < 0.46:  # slanted roof
            d.polygon([(x, top), (x + w, top), (x + w, top - h // 8)], fill=color)
        if windows:
            for wy in range(top + 30, base - 30, 44):
                for wx in range(x + 20, x + w - 30, 40):
                    if rng.random() < density:
                        d.rectangle([wx, wy, wx + 18, wy + 24], fill=windows)
        x += w + rng.randint(-20, 26)


def streaks(d, rng, y0, y1, color, n=60):
    for _ in range(n):
        y = rng.randint(y0, y1)
        x = rng.randint(0, CW)
        ln = rng.randint(60, 420)
        d.rectangle([x, y, x + ln, y + rng.randint(3, 7)], fill=color)


def grid(d, color, step_x=200, step_y=160, x0=0, y0=0, x1=CW, y1=CH, width=2):
    for x in range(x0, x1 + 1, step_x):
        d.line([(x, y0), (x, y1)], fill=color, width=width)
    for y in range(y0, y1 + 1, step_y):
        d.line([(x0, y), (x1, y)], fill=color, width=width)


def random_walk(rng, n, start, drift, vol, lo, hi):
    vals = [start]
    for _ in range(n - 1):
        v = vals[-1] + drift + rng.gauss(0, vol)
        vals.append(min(hi, max(lo, v)))
    return vals


def polyline(d, pts, color, width):
    d.line(pts, fill=color, width=width, joint="curve")
    r = width // 2
    for x, y in (pts[0], pts[-1]):
        d.ellipse([x - r, y - r, x + r, y + r], fill=color)


def area_chart(d, pts, base_y, fill, line, width=14):
    d.polygon([(pts[0][0], base_y)] + pts + [(pts[-1][0], base_y)], fill=fill)
    polyline(d, pts, line, width)


def robot_arm(d, bx, by, angles, lengths, width, body, joint, tip):
    """Articulated arm from a base at (bx, by); angles in degrees from vertical."""
    d.polygon(
        [
            (bx - width * 1.4, by),
            (bx + width * 1.4, by),
            (bx + width * 0.9, by - width * 0.9),
            (bx - width * 0.9, by - width * 0.9),
        ],
        fill=body,
    )
    x, y = bx, by - width * 0.9
    pts = [(x, y)]
    a = 0.0
    for ang, ln in zip(angles, lengths, strict=False):
        a += math.radians(ang)
        x, y = x + ln * math.sin(a), y - ln * math.cos(a)
        pts.append((x, y))
    for i in range(len(pts) - 1):
        wdt = int(width * (1 - 0.22 * i))
        d.line([pts[i], pts[i + 1]], fill=body, width=wdt)
    for i, (px, py) in enumerate(pts[:-1]):
        r = width * (0.75 - 0.12 * i)
        d.ellipse([px - r, py - r, px + r, py + r], fill=joint)
        d.ellipse(
            [px - r * 0.45, py - r * 0.45, px + r * 0.45, py + r * 0.45], fill=body
        )
    # gripper
    tx, ty = pts[-1]
    for side in (-1, 1):
        ga = a + side * math.radians(28)
        gx, gy = tx + width * 1.3 * math.sin(ga), ty - width * 1.3 * math.cos(ga)
        d.line([(tx, ty), (gx, gy)], fill=body, width=int(width * 0.35))
    r = width * 0.38
    d.ellipse([tx - r, ty - r, tx + r, ty + r], fill=tip)
    return pts


def chip(d, x, y, s, body, pin, face=None, pins=6):
    """Square chip with pins on all four sides (top-left corner x, y; side s)."""
    pl, pw = s * 0.12, s / pins * 0.22
    for i in range(pins):
        o = s * (i + 0.5) / pins
        d.rectangle([x + o - pw, y - pl, x + o + pw, y], fill=pin)
        d.rectangle([x + o - pw, y + s, x + o + pw, y + s + pl], fill=pin)
        d.rectangle([x - pl, y + o - pw, x, y + o + pw], fill=pin)
        d.rectangle([x + s, y + o - pw, x + s + pl, y + o + pw], fill=pin)
    d.rounded_rectangle([x, y, x + s, y + s], radius=s * 0.06, fill=body)
    if face:
        m = s * 0.18
        d.rounded_rectangle(
            [x + m, y + m, x + s - m, y + s - m], radius=s * 0.04, fill=face
        )


def container_stack(d, rng, x0, x1, top, bottom, palette, cw=150, chh=70):
    y = bottom
    while y - chh >= top:
        x = x0
        while x + cw <= x1:
            c = rng.choice(palette)
            d.rectangle([x, y - chh, x + cw - 6, y - 4], fill=c)
            for rx in range(x + 14, x + cw - 14, 18):
                d.line([(rx, y - chh + 8), (rx, y - 12)], fill=shade(c, 0.78), width=4)
            x += cw
        y -= chh


def gantry_crane(d, x, base, h, color, boom=620, lw=22):
    d.line([(x, base), (x + 40, base - h)], fill=color, width=lw)
    d.line([(x + 260, base), (x + 220, base - h)], fill=color, width=lw)
    d.line(
        [(x + 20, base - h * 0.45), (x + 240, base - h * 0.45)], fill=color, width=lw
    )
    d.line([(x - boom, base - h), (x + 420, base - h)], fill=color, width=int(lw * 1.3))
    d.line([(x + 130, base - h - 170), (x - boom, base - h)], fill=color, width=lw // 2)
    d.line([(x + 130, base - h - 170), (x + 420, base - h)], fill=color, width=lw // 2)
    d.rectangle([x + 110, base - h - 180, x + 150, base - h], fill=color)
    d.line(
        [(x - boom * 0.55, base - h), (x - boom * 0.55, base - h * 0.55)],
        fill=color,
        width=6,
    )
    d.rectangle(
        [x - boom * 0.55 - 40, base - h * 0.55, x - boom * 0.55 + 40, base - h * 0.5],
        fill=color,
    )


def ship(d, rng, x0, x1, water, hull, deck_h, palette, bridge):
    hh = deck_h
    d.polygon(
        [
            (x0, water - hh),
            (x1, water - hh),
            (x1 - hh * 0.6, water + hh * 0.25),
            (x0 + hh * 0.9, water + hh * 0.25),
        ],
        fill=hull,
    )
    d.rectangle([x0 + 120, water - hh - 260, x0 + 320, water - hh], fill=bridge)
    d.rectangle([x0 + 100, water - hh - 300, x0 + 340, water - hh - 250], fill=bridge)
    d.rectangle([x0 + 200, water - hh - 380, x0 + 250, water - hh - 300], fill=bridge)
    x = x0 + 380
    while x < x1 - 200:
        rows = rng.randint(3, 6)
        container_stack(d, rng, x, x + 300, water - hh - rows * 70, water - hh, palette)
        x += 312


def car(d, x, y, length, body, glass, wheel, flip=False):
    h = length * 0.24
    s = -1 if flip else 1

    def P(fx, fy):
        return (x + s * fx * length, y - fy * h)

    d.rounded_rectangle(
        [min(P(0, 0)[0], P(1, 0)[0]), y - h * 0.55, max(P(0, 0)[0], P(1, 0)[0]), y],
        radius=h * 0.22,
        fill=body,
    )
    d.polygon([P(0.2, 0.5), P(0.34, 1.0), P(0.72, 1.0), P(0.9, 0.5)], fill=body)
    d.polygon([P(0.28, 0.55), P(0.37, 0.9), P(0.52, 0.9), P(0.52, 0.55)], fill=glass)
    d.polygon([P(0.56, 0.55), P(0.56, 0.9), P(0.7, 0.9), P(0.82, 0.55)], fill=glass)
    for fx in (0.22, 0.78):
        cx, cy = P(fx, 0)
        r = h * 0.26
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=wheel)
        d.ellipse(
            [cx - r * 0.45, cy - r * 0.45, cx + r * 0.45, cy + r * 0.45],
            fill=shade(body, 1.3),
        )


def battery(d, x, y, w, h, shell, fill, level, bolt=None):
    t = w * 0.08
    d.rounded_rectangle(
        [x + w * 0.32, y - h * 0.06, x + w * 0.68, y + 4], radius=12, fill=shell
    )
    d.rounded_rectangle([x, y, x + w, y + h], radius=w * 0.12, fill=shell)
    d.rounded_rectangle(
        [x + t, y + t, x + w - t, y + h - t], radius=w * 0.08, fill=shade(shell, 0.45)
    )
    inner = h - 2 * t
    seg = 5
    for i in range(seg):
        if i < round(level * seg):
            y1 = y + h - t - inner * i / seg - 10
            y0 = y + h - t - inner * (i + 1) / seg + 10
            d.rounded_rectangle(
                [x + t + 14, y0, x + w - t - 14, y1],
                radius=10,
                fill=lerp(fill, (255, 255, 255), 0.1 * i),
            )
    if bolt:
        cx, cy = x + w / 2, y + h / 2
        s = w * 0.3
        d.polygon(
            [
                (cx + s * 0.2, cy - s * 1.3),
                (cx - s * 0.6, cy + s * 0.15),
                (cx - s * 0.05, cy + s * 0.15),
                (cx - s * 0.25, cy + s * 1.3),
                (cx + s * 0.6, cy - s * 0.2),
                (cx + s * 0.05, cy - s * 0.2),
            ],
            fill=bolt,
        )


def person(d, x, base, h, color):
    r = h * 0.16
    d.ellipse([x - r, base - h, x + r, base - h + 2 * r], fill=color)
    d.rounded_rectangle(
        [x - h * 0.26, base - h + 2.3 * r, x + h * 0.26, base],
        radius=h * 0.2,
        fill=color,
    )


# ---------------------------------------------------------------- scenes


def scene_changsha(img, rng):
    img.paste(vgradient((CW, CH), [(58, 28, 92), (196, 70, 110), (250, 168, 96)]))
    glow(img, X(0.30), Y(0.44), X(0.24), (255, 214, 140), 0.95)
    d = ImageDraw.Draw(img, "RGBA")
    r = X(0.06)
    d.ellipse(
        [X(0.30) - r, Y(0.44) - r, X(0.30) + r, Y(0.44) + r], fill=(255, 226, 170)
    )
    hills(d, rng, Y(0.62), Y(0.16), (120, 50, 96), waves=2)
    skyline(
        d, rng, Y(0.74), Y(0.08), Y(0.34), (62, 26, 70), windows=(255, 196, 120, 200)
    )
    band(img, Y(0.74), CH, [(120, 52, 100), (44, 18, 56)])
    d = ImageDraw.Draw(img, "RGBA")
    streaks(d, rng, Y(0.76), Y(0.98), (255, 190, 130, 90), n=70)
    robot_arm(
        d,
        X(0.84),
        CH + 20,
        [8, -72, -48],
        [Y(0.44), Y(0.32), Y(0.14)],
        110,
        (232, 236, 245),
        (70, 200, 210),
        (70, 200, 210),
    )


def scene_network(img, rng):
    img.paste(vgradient((CW, CH), [(10, 16, 48), (30, 34, 92), (18, 96, 120)]))
    glow(img, X(0.5), Y(0.48), X(0.26), (214, 60, 84), 0.55)
    d = ImageDraw.Draw(img, "RGBA")
    d.polygon([(X(0.22), CH), (X(0.5), Y(0.62)), (X(0.78), CH)], fill=(14, 24, 60, 220))
    d.polygon(
        [
            (X(0.44), Y(0.66)),
            (X(0.5), Y(0.62)),
            (X(0.56), Y(0.66)),
            (X(0.52), Y(0.68)),
            (X(0.48), Y(0.665)),
        ],
        fill=(220, 230, 245, 200),
    )
    layers = [5, 8, 9, 8, 5]
    nodes = []
    for li, n in enumerate(layers):
        x = X(0.14 + li * 0.18)
        col = []
        for k in range(n):
            y = Y(0.12 + 0.62 * (k + 0.5) / n) + rng.randint(-30, 30)
            col.append((x + rng.randint(-40, 40), y))
        nodes.append(col)
    for a, b in zip(nodes, nodes[1:], strict=False):
        for p in a:
            for q in b:
                if rng.random() < 0.55:
                    d.line([p, q], fill=(120, 220, 255, rng.randint(40, 120)), width=4)
    for col in nodes:
        for x, y in col:
            glow(img, x, y, 70, (120, 230, 255), 0.6)
    d = ImageDraw.Draw(img, "RGBA")
    for col in nodes:
        for x, y in col:
            r = rng.choice([18, 22, 28])
            d.ellipse([x - r, y - r, x + r, y + r], fill=(230, 250, 255))


def scene_chips(img, rng):
    img.paste(vgradient((CW, CH), [(6, 40, 44), (10, 64, 62), (4, 30, 36)]))
    d = ImageDraw.Draw(img, "RGBA")
    trace = (70, 210, 170, 150)
    cx, cy = X(0.5), Y(0.5)
    for _ in range(70):
        side = rng.choice(["l", "r", "t", "b"])
        if side in "lr":
            sx = cx + (-1 if side == "l" else 1) * 420
            sy = cy + rng.randint(-380, 380)
            mx = sx + (-1 if side == "l" else 1) * rng.randint(120, 700)
            my = sy + rng.randint(-300, 300)
            ex = mx + (-1 if side == "l" else 1) * rng.randint(100, 700)
            pts = [(sx, sy), (mx, sy), (mx, my), (ex, my)]
        else:
            sy = cy + (-1 if side == "t" else 1) * 420
            sx = cx + rng.randint(-380, 380)
            my = sy + (-1 if side == "t" else 1) * rng.randint(80, 250)
            mx = sx + rng.randint(-500, 500)
            ey = my + (-1 if side == "t" else 1) * rng.randint(60, 260)
            pts = [(sx, sy), (sx, my), (mx, my), (mx, ey)]
        d.line(pts, fill=trace, width=8, joint="curve")
        ex, ey = pts[-1]
        d.ellipse([ex - 16, ey - 16, ex + 16, ey + 16], fill=(140, 255, 210, 220))
    spots = [
        (0.08, 0.12),
        (0.16, 0.55),
        (0.06, 0.80),
        (0.26, 0.78),
        (0.74, 0.10),
        (0.86, 0.42),
        (0.72, 0.70),
        (0.88, 0.80),
    ]
    for fx, fy in spots:
        s = rng.randint(150, 210)
        chip(
            d,
            X(fx) + rng.randint(-40, 40),
            Y(fy) + rng.randint(-30, 30),
            s,
            (22, 36, 40),
            (170, 180, 170),
            (34, 54, 58),
        )
    glow(img, cx, cy, 900, (60, 255, 200), 0.45)
    d = ImageDraw.Draw(img, "RGBA")
    # package substrate with a ball grid, then two stacked dies
    sub = 440
    d.rounded_rectangle(
        [cx - sub, cy - sub, cx + sub, cy + sub], radius=40, fill=(28, 70, 60)
    )
    for gx in range(cx - sub + 50, cx + sub - 30, 64):
        for gy in (cy - sub + 40, cy + sub - 40):
            d.ellipse([gx - 14, gy - 14, gx + 14, gy + 14], fill=(210, 200, 150))
    for gy in range(cy - sub + 104, cy + sub - 90, 64):
        for gx in (cx - sub + 40, cx + sub - 40):
            d.ellipse([gx - 14, gy - 14, gx + 14, gy + 14], fill=(210, 200, 150))
    d.rounded_rectangle(
        [cx - 300, cy - 300, cx + 300, cy + 300], radius=24, fill=(40, 46, 54)
    )
    d.rounded_rectangle(
        [cx - 250, cy - 290, cx + 290, cy + 250], radius=20, fill=(58, 66, 76)
    )
    d.rounded_rectangle(
        [cx - 200, cy - 250, cx + 250, cy + 200], radius=16, fill=(80, 210, 180, 140)
    )
    for k in range(-150, 200, 70):
        d.line(
            [(cx + k, cy - 230), (cx + k, cy + 180)], fill=(200, 255, 235, 60), width=6
        )


def scene_factory_vn(img, rng):
    img.paste(vgradient((CW, CH), [(150, 200, 236), (214, 232, 236), (250, 232, 190)]))
    glow(img, X(0.78), Y(0.30), X(0.16), (255, 240, 200), 0.9)
    d = ImageDraw.Draw(img, "RGBA")
    hills(d, rng, Y(0.50), Y(0.12), (132, 178, 150), waves=3)
    hills(d, rng, Y(0.58), Y(0.08), (86, 150, 112), waves=4)
    fx0, fx1, fb = X(0.08), X(0.80), Y(0.74)
    d.rectangle([fx0, Y(0.50), fx1, fb], fill=(228, 232, 236))
    tooth = 240
    for x in range(fx0, fx1, tooth):
        d.polygon(
            [(x, Y(0.50)), (x + tooth, Y(0.50)), (x + tooth, Y(0.41))],
            fill=(200, 210, 220),
        )
        d.polygon(
            [(x + tooth - 14, Y(0.50)), (x + tooth, Y(0.50)), (x + tooth, Y(0.42))],
            fill=(110, 170, 210),
        )
    for x in range(fx0 + 60, fx1 - 100, 170):
        d.rectangle([x, Y(0.56), x + 110, Y(0.64)], fill=(120, 176, 214))
    d.rectangle([X(0.84), Y(0.44), X(0.95), fb], fill=(205, 214, 222))
    d.rectangle([X(0.87), Y(0.36), X(0.92), Y(0.44)], fill=(190, 200, 210))
    band(img, fb, CH, [(70, 120, 96), (40, 80, 64)])
    d = ImageDraw.Draw(img, "RGBA")
    d.rectangle([0, Y(0.84), CW, Y(0.90)], fill=(50, 56, 64))
    for x in range(0, CW, 120):
        d.ellipse([x, Y(0.88), x + 50, Y(0.88) + 50], fill=(90, 96, 104))
    for x in range(80, CW, 330):
        chip(d, x, Y(0.79), 110, (30, 34, 42), (200, 190, 150), (60, 66, 80), pins=4)


def scene_bond_curves(img, rng):
    img.paste(vgradient((CW, CH), [(246, 240, 226), (226, 234, 240), (198, 214, 230)]))
    d = ImageDraw.Draw(img, "RGBA")
    grid(d, (120, 140, 170, 60), 200, 180, X(0.06), Y(0.08), X(0.96), Y(0.82), 3)
    skyline(d, rng, CH, Y(0.06), Y(0.16), (150, 170, 196, 140))
    colours = [(30, 60, 120), (200, 80, 60), (40, 140, 130)]
    for k, c in enumerate(colours):
        n = 14
        start = 0.22 + 0.12 * k
        pts = []
        for i in range(n):
            t = i / (n - 1)
            yv = start + 0.45 * t - 0.12 * t * t + rng.gauss(0, 0.012)
            pts.append((X(0.06) + (X(0.96) - X(0.06)) * t, Y(yv)))
        if k == 0:
            area_chart(d, pts, Y(0.82), (30, 60, 120, 50), c, 16)
        else:
            polyline(d, pts, c, 12)
        for x, y in pts[::3]:
            d.ellipse(
                [x - 18, y - 18, x + 18, y + 18],
                fill=(255, 255, 255),
                outline=c,
                width=8,
            )


def scene_candles(img, rng):
    img.paste(vgradient((CW, CH), [(20, 20, 30), (44, 24, 40), (92, 30, 44)]))
    d = ImageDraw.Draw(img, "RGBA")
    chip(
        d,
        X(0.55),
        Y(0.08),
        X(0.38),
        (255, 255, 255, 14),
        (255, 255, 255, 18),
        (255, 255, 255, 10),
        pins=8,
    )
    grid(d, (255, 255, 255, 22), 160, 150, 0, 0, CW, CH, 2)
    vals = random_walk(rng, 34, 0.78, -0.016, 0.03, 0.14, 0.9)
    cw = CW / (len(vals) + 2)
    prev = vals[0] + 0.02
    mids = []
    for i, v in enumerate(vals):
        x = cw * (i + 1)
        o, c = prev, v
        hi, lo = (
            min(o, c) - abs(rng.gauss(0, 0.025)),
            max(o, c) + abs(rng.gauss(0, 0.025)),
        )
        up = c < o
        col = (80, 220, 160) if up else (240, 90, 90)
        d.line([(x + cw * 0.3, Y(hi)), (x + cw * 0.3, Y(lo))], fill=col, width=6)
        d.rectangle([x, Y(min(o, c)), x + cw * 0.6, Y(max(o, c)) + 6], fill=col)
        mids.append((x + cw * 0.3, Y((o + c) / 2)))
        prev = c
    smooth = [
        (
            mids[i][0],
            sum(p[1] for p in mids[max(0, i - 4) : i + 1])
            / len(mids[max(0, i - 4) : i + 1]),
        )
        for i in range(len(mids))
    ]
    polyline(d, smooth, (255, 210, 120, 230), 10)
    glow(img, int(mids[-1][0]), int(mids[-1][1]), 260, (255, 200, 120), 0.5)


def scene_battery_stocks(img, rng):
    img.paste(vgradient((CW, CH), [(12, 34, 52), (20, 62, 80), (14, 44, 56)]))
    glow(img, X(0.5), Y(0.55), X(0.3), (60, 200, 180), 0.35)
    d = ImageDraw.Draw(img, "RGBA")
    grid(d, (255, 255, 255, 18), 200, 200, 0, 0, CW, CH, 2)
    levels = [0.8, 0.6, 0.4]
    for i, lv in enumerate(levels):
        battery(
            d,
            X(0.14 + i * 0.26),
            Y(0.30),
            X(0.17),
            Y(0.52),
            (214, 224, 230),
            (80, 220, 150) if i < 2 else (250, 170, 70),
            lv,
            bolt=(255, 230, 120) if i == 1 else None,
        )
    vals = random_walk(rng, 40, 0.25, 0.012, 0.02, 0.1, 0.8)
    pts = [(X(0.04) + i * (X(0.92) / 39), Y(v)) for i, v in enumerate(vals)]
    polyline(d, pts, (255, 110, 90, 235), 14)
    x, y = pts[-1]
    d.polygon(
        [(x - 40, y - 50), (x + 50, y), (x - 40, y + 50)], fill=(255, 110, 90, 235)
    )


def scene_freight_ship(img, rng):
    img.paste(vgradient((CW, CH), [(40, 44, 96), (210, 96, 96), (252, 186, 110)]))
    glow(img, X(0.7), Y(0.58), X(0.2), (255, 226, 160), 0.9)
    d = ImageDraw.Draw(img, "RGBA")
    vals = random_walk(rng, 30, 0.52, -0.01, 0.025, 0.12, 0.6)
    pts = [(X(0.04) + i * (X(0.92) / 29), Y(v)) for i, v in enumerate(vals)]
    polyline(d, pts, (255, 246, 220, 170), 10)
    for x, y in pts[::5]:
        d.ellipse([x - 14, y - 14, x + 14, y + 14], fill=(255, 246, 220, 200))
    water = Y(0.70)
    band(img, water, CH, [(190, 100, 110), (40, 40, 86)])
    d = ImageDraw.Draw(img, "RGBA")
    streaks(d, rng, water + 20, CH - 20, (255, 210, 150, 80), n=80)
    palette = [
        (180, 50, 50),
        (40, 90, 150),
        (220, 150, 40),
        (60, 120, 90),
        (120, 60, 120),
    ]
    ship(
        d,
        rng,
        X(0.08),
        X(0.86),
        water + 40,
        (34, 30, 50),
        150,
        palette,
        (230, 226, 220),
    )


def scene_central_bank(img, rng):
    img.paste(vgradient((CW, CH), [(20, 96, 110), (120, 170, 160), (236, 206, 140)]))
    d = ImageDraw.Draw(img, "RGBA")
    skyline(
        d, rng, Y(0.80), Y(0.2), Y(0.5), (30, 80, 96, 150), windows=(255, 230, 170, 90)
    )
    stone, dark = (240, 232, 214), (190, 178, 150)
    bx0, bx1 = X(0.18), X(0.82)
    d.polygon([(bx0 - 40, Y(0.34)), (X(0.5), Y(0.14)), (bx1 + 40, Y(0.34))], fill=stone)
    d.polygon([(bx0 + 80, Y(0.32)), (X(0.5), Y(0.19)), (bx1 - 80, Y(0.32))], fill=dark)
    d.rectangle([bx0 - 40, Y(0.34), bx1 + 40, Y(0.38)], fill=stone)
    n = 8
    for i in range(n):
        cx = bx0 + (bx1 - bx0) * (i + 0.5) / n
        d.rectangle([cx - 44, Y(0.38), cx + 44, Y(0.70)], fill=stone)
        for k in (-22, 0, 22):
            d.line([(cx + k, Y(0.40)), (cx + k, Y(0.68))], fill=dark, width=5)
        d.rectangle([cx - 58, Y(0.38), cx + 58, Y(0.40)], fill=stone)
        d.rectangle([cx - 58, Y(0.69), cx + 58, Y(0.71)], fill=stone)
    for k in range(4):
        d.rectangle(
            [
                bx0 - 80 - k * 50,
                Y(0.71 + 0.025 * k),
                bx1 + 80 + k * 50,
                Y(0.735 + 0.025 * k),
            ],
            fill=shade(stone, 1 - 0.04 * k),
        )
    band(img, Y(0.81), CH, [(200, 176, 120), (120, 96, 64)])
    d = ImageDraw.Draw(img, "RGBA")
    gold = (240, 196, 80)
    for sx, cnt in ((X(0.08), 7), (X(0.16), 10), (X(0.84), 9), (X(0.92), 5)):
        for k in range(cnt):
            y = Y(0.95) - k * 34
            d.ellipse([sx - 100, y - 30, sx + 100, y + 30], fill=shade(gold, 0.7))
            d.ellipse([sx - 100, y - 44, sx + 100, y + 16], fill=gold)


def scene_port(img, rng):
    img.paste(vgradient((CW, CH), [(70, 120, 190), (170, 190, 220), (250, 210, 170)]))
    glow(img, X(0.2), Y(0.6), X(0.15), (255, 236, 200), 0.8)
    d = ImageDraw.Draw(img, "RGBA")
    quay = Y(0.68)
    palette = [
        (200, 60, 50),
        (40, 100, 170),
        (230, 170, 50),
        (60, 140, 100),
        (230, 230, 230),
        (150, 70, 140),
    ]
    for x0 in range(X(0.40), CW, 520):
        container_stack(
            d, rng, x0, x0 + 450, quay - 70 * rng.randint(2, 5), quay, palette
        )
    for x in (X(0.28), X(0.50), X(0.72)):
        gantry_crane(d, x, quay, Y(0.42), (40, 50, 76), boom=560)
    d.rectangle([0, quay, CW, quay + 40], fill=(60, 64, 80))
    band(img, quay + 40, CH, [(90, 120, 170), (30, 50, 90)])
    d = ImageDraw.Draw(img, "RGBA")
    streaks(d, rng, quay + 60, CH, (255, 230, 200, 70), n=70)
    ship(
        d, rng, X(-0.05), X(0.46), Y(0.83), (24, 36, 60), 110, palette, (220, 224, 230)
    )


def scene_ev_road(img, rng):
    img.paste(vgradient((CW, CH), [(24, 30, 70), (96, 70, 130), (240, 150, 120)]))
    d = ImageDraw.Draw(img, "RGBA")
    hz = Y(0.52)
    for x in range(X(0.58), X(0.98), 420):
        gantry_crane(d, x, hz, Y(0.14), (50, 40, 80, 200), boom=200, lw=10)
    skyline(d, rng, hz, Y(0.03), Y(0.14), (50, 40, 80), x1=X(0.56), wmin=60, wmax=160)
    band(img, hz, CH, [(70, 60, 96), (28, 26, 40)])
    d = ImageDraw.Draw(img, "RGBA")
    vx = X(0.5)
    d.polygon(
        [(vx - 60, hz), (vx + 60, hz), (CW + X(0.3), CH), (-X(0.3), CH)],
        fill=(40, 40, 56),
    )
    for lane in (-1, 0, 1):
        for k in range(14):
            t0, t1 = (k / 14) ** 1.8, ((k + 0.45) / 14) ** 1.8
            y0, y1 = hz + (CH - hz) * t0, hz + (CH - hz) * t1
            ox0 = lane * X(0.35) * t0 + lane * 20 * (1 - t0)
            ox1 = lane * X(0.35) * t1 + lane * 20 * (1 - t1)
            w0, w1 = 2 + 12 * t0, 2 + 12 * t1
            if lane == 0:
                d.polygon(
                    [
                        (vx + ox0 - w0, y0),
                        (vx + ox0 + w0, y0),
                        (vx + ox1 + w1, y1),
                        (vx + ox1 - w1, y1),
                    ],
                    fill=(250, 220, 120, 200),
                )
    for side in (-1, 1):
        d.line(
            [(vx + side * 60, hz), (vx + side * (CW * 0.8), CH)],
            fill=(250, 250, 250, 160),
            width=10,
        )
    for _ in range(40):
        t = rng.random() ** 0.7
        y = hz + (CH - hz) * t
        x = vx + rng.choice([-1, 1]) * rng.random() * X(0.55) * t
        d.line(
            [(x, y), (x + rng.choice([-1, 1]) * 300 * t, y + 10)],
            fill=(255, 120, 90, 110) if x < vx else (255, 240, 200, 110),
            width=int(4 + 8 * t),
        )
    cols = [(70, 200, 220), (240, 240, 245), (230, 90, 80), (120, 220, 140)]
    for i, (t, off) in enumerate(
        ((0.25, -0.10), (0.45, 0.13), (0.7, -0.2), (0.92, 0.17))
    ):
        y = hz + (CH - hz) * t
        ln = X(0.05 + 0.26 * t)
        x = vx + X(off) * (0.4 + t) - ln / 2
        d.ellipse(
            [x - ln * 0.05, y - 20 * t, x + ln * 1.05, y + 26 * t], fill=(0, 0, 0, 90)
        )
        car(d, x, y, ln, cols[i], (160, 210, 240), (24, 24, 30), flip=i % 2 == 1)


def scene_battery_factory(img, rng):
    img.paste(vgradient((CW, CH), [(24, 26, 48), (48, 46, 86), (26, 24, 44)]))
    glow(img, X(0.5), Y(0.3), X(0.35), (255, 190, 90), 0.45)
    d = ImageDraw.Draw(img, "RGBA")
    for k in range(3):
        ty = Y(0.30 + 0.22 * k)
        d.rectangle([0, ty + Y(0.16), CW, ty + Y(0.18)], fill=(120, 126, 150))
        for i in range(13):
            x = X(0.03) + i * X(0.075) + (k % 2) * X(0.035)
            w, h = X(0.05), Y(0.15)
            top = ty + Y(0.16) - h
            body = (60, 140, 220) if (i + k) % 4 else (250, 170, 60)
            d.rectangle([x, top + 20, x + w, ty + Y(0.16)], fill=body)
            d.rectangle(
                [x, top + h * 0.55, x + w, top + h * 0.62], fill=shade(body, 0.7)
            )
            d.ellipse([x, top, x + w, top + 44], fill=shade(body, 1.3))
            d.ellipse(
                [x + w * 0.35, top + 8, x + w * 0.65, top + 30], fill=(220, 224, 232)
            )
    d.rectangle([0, Y(0.9), CW, CH], fill=(18, 18, 30))
    for x in range(0, CW, 200):
        d.rectangle([x, Y(0.9), x + 100, Y(0.91)], fill=(250, 200, 70))


def scene_robot_line(img, rng):
    img.paste(vgradient((CW, CH), [(236, 242, 248), (210, 222, 236), (170, 186, 206)]))
    d = ImageDraw.Draw(img, "RGBA")
    grid(d, (90, 110, 140, 40), 200, 160, 0, 0, CW, Y(0.6), 2)
    vals = random_walk(rng, 24, 0.52, -0.014, 0.02, 0.1, 0.56)
    pts = [(X(0.04) + i * (X(0.92) / 23), Y(v)) for i, v in enumerate(vals)]
    area_chart(d, pts, Y(0.62), (220, 60, 70, 40), (220, 60, 70, 230), 12)
    floor = Y(0.86)
    d.rectangle([0, Y(0.76), CW, Y(0.80)], fill=(70, 80, 100))
    d.rectangle([0, Y(0.80), CW, floor], fill=(50, 58, 74))
    for x in range(X(0.06), CW, X(0.16)):
        d.rounded_rectangle(
            [x, Y(0.69), x + X(0.07), Y(0.76)], radius=12, fill=(200, 150, 70)
        )
    band(img, floor, CH, [(120, 130, 150), (80, 88, 104)])
    d = ImageDraw.Draw(img, "RGBA")
    for i, bx in enumerate((X(0.2), X(0.5), X(0.8))):
        robot_arm(
            d,
            bx,
            floor,
            [-14 + 10 * i, 70 - 8 * i, 50],
            [Y(0.28), Y(0.22), Y(0.10)],
            70,
            (242, 140, 40),
            (48, 56, 72),
            (48, 56, 72),
        )


def scene_wafer(img, rng):
    img.paste(vgradient((CW, CH), [(30, 12, 56), (70, 26, 100), (24, 10, 44)]))
    glow(img, X(0.5), Y(0.5), X(0.45), (160, 90, 255), 0.5)
    cx, cy, r = X(0.5), Y(0.5), Y(0.42)
    disc = Image.new("RGB", (2 * r, 2 * r))
    disc.paste(
        vgradient((2 * r, 2 * r), [(190, 200, 230), (120, 110, 190), (220, 170, 210)])
    )
    dd = ImageDraw.Draw(disc, "RGBA")
    step = 120
    for x in range(0, 2 * r, step):
        for y in range(0, 2 * r, step):
            hue = rng.random()
            c = lerp((90, 60, 170), (60, 180, 200), hue)
            dd.rectangle([x + 8, y + 8, x + step - 8, y + step - 8], fill=rgba(c, 150))
            dd.rectangle(
                [x + 30, y + 30, x + step - 30, y + step - 30], fill=(255, 255, 255, 40)
            )
    dd.polygon(
        [(0, 2 * r), (2 * r, 0), (2 * r, r * 0.6), (r * 0.6, 2 * r)],
        fill=(255, 255, 255, 40),
    )
    mask = Image.new("L", (2 * r, 2 * r), 0)
    ImageDraw.Draw(mask).ellipse([0, 0, 2 * r - 1, 2 * r - 1], fill=255)
    ImageDraw.Draw(mask).ellipse([r - 30, 2 * r - 40, r + 30, 2 * r + 20], fill=0)
    img.paste(disc, (cx - r, cy - r), mask)
    d = ImageDraw.Draw(img, "RGBA")
    d.ellipse([cx - r, cy - r, cx + r, cy + r], outline=(230, 220, 255, 200), width=10)
    for _ in range(90):
        x, y = rng.randint(0, CW), rng.randint(0, CH)
        if math.hypot(x - cx, y - cy) > r + 60:
            s = rng.randint(4, 12)
            d.ellipse(
                [x - s, y - s, x + s, y + s], fill=(220, 200, 255, rng.randint(60, 180))
            )


def scene_shipyard(img, rng):
    img.paste(vgradient((CW, CH), [(60, 70, 100), (200, 120, 90), (250, 200, 130)]))
    glow(img, X(0.82), Y(0.62), X(0.14), (255, 230, 170), 0.9)
    d = ImageDraw.Draw(img, "RGBA")
    skyline(d, rng, Y(0.72), Y(0.04), Y(0.12), (90, 70, 90, 200), wmin=140, wmax=320)
    steel = (44, 48, 66)
    d.rectangle([X(0.06), Y(0.12), X(0.09), Y(0.74)], fill=steel)
    d.rectangle([X(0.91), Y(0.12), X(0.94), Y(0.74)], fill=steel)
    d.rectangle([X(0.04), Y(0.10), X(0.96), Y(0.16)], fill=steel)
    for x in range(X(0.06), X(0.94), 100):
        d.line([(x, Y(0.10)), (x + 100, Y(0.16))], fill=(200, 120, 90), width=6)
    d.rectangle([X(0.44), Y(0.16), X(0.50), Y(0.22)], fill=(240, 190, 60))
    d.line([(X(0.47), Y(0.22)), (X(0.47), Y(0.40))], fill=steel, width=8)
    d.rectangle([X(0.42), Y(0.40), X(0.52), Y(0.46)], fill=(200, 70, 60))
    hull = (150, 40, 40)
    d.polygon(
        [
            (X(0.10), Y(0.50)),
            (X(0.86), Y(0.50)),
            (X(0.90), Y(0.46)),
            (X(0.84), Y(0.74)),
            (X(0.14), Y(0.74)),
        ],
        fill=(40, 52, 80),
    )
    d.polygon(
        [
            (X(0.12), Y(0.62)),
            (X(0.87), Y(0.62)),
            (X(0.84), Y(0.74)),
            (X(0.14), Y(0.74)),
        ],
        fill=hull,
    )
    for x in range(X(0.16), X(0.82), 140):
        d.line([(x, Y(0.51)), (x, Y(0.73))], fill=(30, 40, 64, 120), width=4)
    d.rectangle([X(0.14), Y(0.38), X(0.22), Y(0.50)], fill=(230, 226, 220))
    for i in range(6):
        d.rectangle(
            [X(0.15), Y(0.40 + 0.017 * i), X(0.21), Y(0.408 + 0.017 * i)],
            fill=(80, 110, 150),
        )
    for x in range(X(0.12), X(0.88), 180):
        d.rectangle([x, Y(0.74), x + 60, Y(0.80)], fill=steel)
    band(img, Y(0.80), CH, [(110, 90, 100), (40, 40, 60)])
    d = ImageDraw.Draw(img, "RGBA")
    for _ in range(60):
        x = X(0.47) + rng.randint(-300, 300)
        y = Y(0.46) + rng.randint(0, 200)
        s = rng.randint(4, 10)
        d.ellipse(
            [x - s, y - s, x + s, y + s], fill=(255, 230, 140, rng.randint(100, 230))
        )
    glow(img, X(0.47), Y(0.52), 200, (255, 220, 140), 0.6)


def scene_wages(img, rng):
    img.paste(vgradient((CW, CH), [(250, 220, 226), (224, 226, 244), (180, 200, 236)]))
    glow(img, X(0.72), Y(0.28), X(0.12), (250, 120, 120), 0.9)
    d = ImageDraw.Draw(img, "RGBA")
    r = X(0.06)
    d.ellipse([X(0.72) - r, Y(0.28) - r, X(0.72) + r, Y(0.28) + r], fill=(232, 80, 90))
    skyline(
        d,
        rng,
        Y(0.78),
        Y(0.08),
        Y(0.28),
        (150, 160, 200, 160),
        windows=(255, 255, 255, 90),
    )
    base = Y(0.78)
    n = 9
    for i in range(n):
        h = Y(0.12 + 0.045 * i + rng.uniform(-0.02, 0.02))
        x = X(0.08) + i * X(0.095)
        c = lerp((70, 110, 190), (220, 80, 100), i / (n - 1))
        d.rounded_rectangle(
            [x, base - h, x + X(0.06), base], radius=18, fill=rgba(c, 220)
        )
    band(img, base, CH, [(120, 130, 180), (70, 76, 120)])
    d = ImageDraw.Draw(img, "RGBA")
    for i in range(14):
        x = X(0.04) + i * X(0.07) + rng.randint(-30, 30)
        h = Y(0.16) + rng.randint(-40, 40)
        person(d, x, CH + 20, h, (36, 40, 74))


# name -> scene; one entry per demo article hero photo
PHOTOS = [
    ("changsha-robotics-skyline", scene_changsha),
    ("neural-network-dawn", scene_network),
    ("stacked-chip-package", scene_chips),
    ("vietnam-assembly-plant", scene_factory_vn),
    ("bond-yield-curves", scene_bond_curves),
    ("chip-stock-candles", scene_candles),
    ("battery-cells-chart", scene_battery_stocks),
    ("container-ship-sunset", scene_freight_ship),
    ("central-bank-columns", scene_central_bank),
    ("port-gantry-cranes", scene_port),
    ("ev-highway-export", scene_ev_road),
    ("sodium-cell-line", scene_battery_factory),
    ("robot-arm-assembly", scene_robot_line),
    ("silicon-wafer-glow", scene_wafer),
    ("shipyard-hull", scene_shipyard),
    ("wage-columns-tokyo", scene_wages),
]


def render(name, scene):
    rng = random.Random(zlib.crc32(name.encode("utf-8")))
    img = Image.new("RGB", (CW, CH))
    scene(img, rng)
    return img.resize((W, H), Image.LANCZOS)


def main():
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for name, scene in PHOTOS:
        path = OUT_DIR / f"{name}.jpg"
        render(name, scene).save(
            path,
            "JPEG",
            quality=QUALITY,
            optimize=True,
            progressive=False,
            subsampling="4:2:0",
        )
        print(
            f"{path.relative_to(OUT_DIR.parent.parent.parent)}  "
            f"{path.stat().st_size // 1024} KB"
        )


if __name__ == "__main__":
    main()
