#!/usr/bin/env python3
"""Draws examples/classify/sample.ppm: a 64x48 binary PPM (P6) landscape, sky, sun and hill.

The image is committed; this script documents how it was made (python3 make_sample_image.py).
Its size differs from the model's 32x32 input, so the example's bilinear resize does work.
"""
import sys

import numpy as np


def main(path):
    h, w = 48, 64
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    img = np.zeros((h, w, 3))
    img[..., 0] = 90 + 120 * y / h           # sky: blue at the top, warmer below
    img[..., 1] = 140 + 60 * y / h
    img[..., 2] = 235 - 40 * y / h
    sun = (x - 46) ** 2 + (y - 12) ** 2 < 8 ** 2
    img[sun] = (250, 215, 80)
    hill = y > 32 + 6 * np.sin(x / 9.0)
    img[hill] = np.stack([40 + 0 * x, 120 + 50 * (y - 32) / 16, 50 + 0 * x], -1)[hill]
    data = np.clip(np.rint(img), 0, 255).astype(np.uint8)
    with open(path, "wb") as f:
        f.write(b"P6\n# modelc examples/classify sample image\n%d %d\n255\n" % (w, h))
        f.write(data.tobytes())


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "sample.ppm")
