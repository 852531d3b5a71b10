#!/usr/bin/env python3
"""Deterministic data for scripts/bench.sh (Python >= 3.9, stdlib only).

  bench-gen.py mixed FILE GIB
      Writes a GIB GiB raw image, one kind of content per 1 MiB region,
      drawn from a fixed-seed PRNG: ~35% incompressible random bytes, ~25%
      compressible text-like lines, ~15% written zeros (allocated), ~25%
      holes (never written).  Prints the region counts and a SHA-256 of
      the whole image content (holes read as zeros), which is the same on
      every run and every machine.

  bench-gen.py frag-cmds GIB
      Prints qemu-io commands that fill a GIB GiB image with 4 KiB writes,
      the even clusters first and then the odd ones, so that with 4 KiB
      clusters no two guest-adjacent clusters are host-adjacent.
"""
import hashlib
import random
import sys

MIB = 1 << 20
SEED = 20240601


def text_pool(rng):
    """512 text-like lines of ~40-120 bytes built from a small vocabulary."""
    letters = "etaoinshrdlucmfwypvbgkqjxz"
    vocab = ["".join(rng.choices(letters, k=rng.randint(2, 9))) for _ in range(300)]
    lines = []
    for i in range(512):
        words = rng.choices(vocab, k=rng.randint(6, 18))
        lines.append(("%05d %s = %d;\n" % (i, " ".join(words), rng.randint(0, 99999))).encode())
    return lines


def mixed(path, gib):
    rng = random.Random(SEED)
    lines = text_pool(rng)
    zero = bytes(MIB)
    h = hashlib.sha256()
    counts = {"random": 0, "text": 0, "zero": 0, "hole": 0}
    with open(path, "wb") as f:
        for region in range(gib * 1024):
            x = rng.random()
            if x < 0.35:
                kind, data = "random", rng.randbytes(MIB)
            elif x < 0.60:
                kind = "text"
                parts = [b"region %d\n" % region]
                parts += rng.choices(lines, k=MIB // 64 + 64)
                data = b"".join(parts)[:MIB]
            elif x < 0.75:
                kind, data = "zero", zero
            else:
                kind, data = "hole", None
            counts[kind] += 1
            if data is None:
                f.seek(MIB, 1)
                h.update(zero)
            else:
                f.write(data)
                h.update(data)
        f.truncate(gib << 30)
    print(" ".join("%s=%d" % kv for kv in counts.items()),
          "MiB regions, sha256", h.hexdigest()[:16])


def frag_cmds(gib):
    n = (gib << 30) // 4096
    out = sys.stdout
    for parity in (0, 1):
        out.writelines("write -q -P %d %d 4k\n" % (1 + c % 251, c * 4096)
                       for c in range(parity, n, 2))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "mixed":
        mixed(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) == 3 and sys.argv[1] == "frag-cmds":
        frag_cmds(int(sys.argv[2]))
    else:
        sys.exit(__doc__)
