"""Renditions for every platform of 200 camera-size photos against a plain Pillow open-resize-save of the same sizes.

Run from the project root:
    .venv/bin/python bench/renditions.py [--count 200] [--folder /tmp/bench-renditions]

It makes the photos once in the folder (24 megapixels, 6000 x 4000, JPEG with camera EXIF and GPS), then runs
each side in a child process of its own, so that each one's peak resident memory is its own: ours,
`campaigns.rendering.render` with every platform's shapes and the library's thumbnails (what
`make_renditions` makes, without the database); the baseline, `Image.open`, `resize` to the same sizes and
`save` as JPEG, nothing else. Prints images per second, peak memory, and the ratio. Goals: at least 0.8 of the
baseline's throughput, and under 300 MB of peak memory. No database, no broker.
"""

# ruff: noqa: E402 -- Django is set up before the project's modules are imported.
from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planner.settings")

import django

django.setup()

from PIL import Image, ImageDraw, ImageFilter

from campaigns import rendering
from campaigns.models import MediaAsset
from campaigns.renditions import wanted
from publishing.platforms import Platform

GOAL_RATIO = 0.8
GOAL_PEAK_MB = 300
SIZE = (6000, 4000)  # 24 megapixels, a camera's 3:2
QUALITY = 90  # as a camera saves
BASELINE_QUALITY = 85


def shapes() -> dict[str, rendering.ImageShape]:
    found = wanted(MediaAsset(kind=MediaAsset.Kind.IMAGE), Platform.values)
    return {f"{purpose}/{name}": shape for (purpose, name), shape in found.items()}


def make_photos(folder: Path, count: int) -> list[Path]:
    """`count` distinct photos: smooth light, shapes and sensor grain, like a camera's JPEG (about 2 MB each)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"photo-{n:03}.jpg" for n in range(count)]
    for n, path in enumerate(paths):
        if path.exists():
            continue
        rng = random.Random(n)
        small = Image.new("RGB", (600, 400), tuple(rng.randrange(60, 200) for _ in range(3)))
        draw = ImageDraw.Draw(small)
        for _ in range(12):
            x, y = rng.randrange(600), rng.randrange(400)
            draw.ellipse((x, y, x + rng.randrange(40, 300), y + rng.randrange(40, 200)), fill=_colour(rng))
        picture = small.filter(ImageFilter.GaussianBlur(6)).resize(SIZE, Image.Resampling.BICUBIC)
        grain = Image.effect_noise(SIZE, 12).convert("RGB")
        picture = Image.blend(picture, grain, 0.12)
        exif = Image.Exif()
        exif.update({0x010F: "Camera", 0x0110: "Model 24", 0x0112: 1, 0x0132: "2026:11:30 09:12:00"})
        exif.get_ifd(0x8825).update({1: "N", 2: (48.0, 51.0, 24.0 + n % 60), 3: "E", 4: (2.0, 21.0, 3.0)})
        picture.save(path, "JPEG", quality=QUALITY, exif=exif)
    return paths


def _colour(rng: random.Random) -> tuple[int, int, int]:
    return rng.randrange(256), rng.randrange(256), rng.randrange(256)


def ours(paths: list[Path]) -> dict[str, object]:
    wanted_shapes, sizes = shapes(), []
    for path in paths:
        with path.open("rb") as file:
            made = rendering.render(file, wanted_shapes, (0.5, 0.5))
        sizes = [(r.width, r.height) for r in made.values()]
    return {"renditions": len(sizes), "sizes": sizes}


def baseline(paths: list[Path], sizes: list[tuple[int, int]]) -> dict[str, object]:
    for path in paths:
        with Image.open(path) as image:
            image.load()
            for size in sizes:
                out = io.BytesIO()
                image.resize(size).save(out, "JPEG", quality=BASELINE_QUALITY)
    return {"renditions": len(sizes)}


def child(side: str, folder: Path, count: int, sizes: str) -> None:
    paths = sorted(folder.glob("photo-*.jpg"))[:count]
    started = time.perf_counter()
    result = ours(paths) if side == "ours" else baseline(paths, [tuple(s) for s in json.loads(sizes)])
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
    print(json.dumps(result | {"seconds": elapsed, "images": len(paths), "peak_mb": peak_mb}))


def run_side(side: str, folder: Path, count: int, sizes: list | None = None) -> dict:
    command = [sys.executable, __file__, "--side", side, "--folder", str(folder), "--count", str(count)]
    # Our own script with our own arguments: nothing untrusted reaches the command line.
    output = subprocess.run([*command, "--sizes", json.dumps(sizes or [])], check=True, capture_output=True, text=True)  # noqa: S603
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/bench-renditions"))  # noqa: S108 (a scratch folder)
    parser.add_argument("--side", choices=("make", "ours", "baseline"), help=argparse.SUPPRESS)
    parser.add_argument("--sizes", default="[]", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side == "make":
        make_photos(args.folder, args.count)
        print("{}")
        return 0
    if args.side:
        child(args.side, args.folder, args.count, args.sizes)
        return 0
    started = time.perf_counter()
    # In a child too: Linux keeps a process's peak RSS across fork and exec, so a parent that drew the photos
    # would lend its peak to both sides.
    run_side("make", args.folder, args.count)
    print(
        f"{args.count} photos of {SIZE[0]} x {SIZE[1]} ready in {time.perf_counter() - started:.0f} s; load {_load()}"
    )
    mine = run_side("ours", args.folder, args.count)
    theirs = run_side("baseline", args.folder, args.count, mine["sizes"])
    for name, side in (("renditions (ours)", mine), ("baseline open-resize-save", theirs)):
        rate = side["images"] / side["seconds"]
        print(f"  {name:26} {side['images']} images x {side['renditions']} sizes in {side['seconds']:.1f} s: "
              f"{rate:.2f} images/s, peak RSS {side['peak_mb']:.0f} MB")  # fmt: skip
    ratio = theirs["seconds"] / mine["seconds"]
    peak = mine["peak_mb"]
    print(
        f"  throughput ratio {ratio:.2f} of the baseline — goal ≥ {GOAL_RATIO}: {'met' if ratio >= GOAL_RATIO else 'NOT met'}"
    )
    print(f"  peak memory {peak:.0f} MB — goal < {GOAL_PEAK_MB} MB: {'met' if peak < GOAL_PEAK_MB else 'NOT met'}")
    print(f"  load at the end {_load()}")
    return 0


def _load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


if __name__ == "__main__":
    sys.exit(main())
