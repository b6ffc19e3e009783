"""Image rendition benchmark: Publ 0.8.19 vs Octavo on the same site, same run.

Scenarios, each in a fresh process per engine (measured with measure.py):

* ``first``: the rendition store is empty; an entry page showing a 3000x2000
  JPEG at 800 px is fetched, then the two renditions it links (1x and 2x), the
  way a browser would (following the redirects of lazy renders);
* ``repeat``: the same page and renditions again, store warm; ``PIL.Image.open``
  is counted, so "served without touching Pillow" is checked, not assumed;
* ``gallery_cold`` / ``gallery_warm``: an entry with a 20-image gallery
  (240x240 fill thumbnails, 1x and 2x, lightbox links), store empty / warm.

Inside each process a driver (run with the engine's own interpreter) times
only the scenario's requests, after imports, app start and one warm-up request
(Publ rescans its index on its first request), and samples its own RSS every
2 ms: ``peak_delta`` is the peak RSS during the scenario minus the RSS just
before it, i.e. the memory the renders themselves needed. The whole process's
wall time and peak RSS are reported too. Ratios are Publ / Octavo.

    python3 bench/image_bench.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from corpus import BENCH_DIR, Corpus
from measure import RunResult, log_tail, run_measured
from octavo_env import find_octavo
from publ_env import PUBL_VERSION, ensure_publ_env

RESULTS_DIR = BENCH_DIR / "results"
SITE = BENCH_DIR / "corpora" / "images-s1"
SCENARIOS = ("first", "repeat", "gallery_cold", "gallery_warm")
GALLERY_SIZE = 20

GENERATOR = r'''
import random, sys
from pathlib import Path
from PIL import Image, ImageDraw, ImageFilter

root = Path(sys.argv[1])
photos = root / "content" / "photos"
photos.mkdir(parents=True, exist_ok=True)
rng = random.Random(1)

def photo(width, height):
    """A photo-like JPEG: gradients, shapes and noise, so it compresses like a photo."""
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.randrange(20, width // 6)
        colour = tuple(rng.randrange(256) for _ in range(3))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    noise = Image.effect_noise((width, height), 40).convert("RGB")
    return Image.blend(image.filter(ImageFilter.GaussianBlur(2)), noise, 0.15)

photo(3000, 2000).save(photos / "big.jpg", quality=90)
for number in range(1, GALLERY_SIZE + 1):
    photo(2400, 1600).save(photos / f"g{number:02d}.jpg", quality=90)
specs = " | ".join(f"g{n:02d}.jpg" for n in range(1, GALLERY_SIZE + 1))
(photos / "single.md").write_text(
    "Title: Single\nEntry-ID: 1\nUUID: 3a6b2a52-0000-4000-8000-000000000001\n"
    "Date: 2020-01-01 12:00:00-00:00\n\n![A photo](big.jpg{800})\n"
)
(photos / "gallery.md").write_text(
    "Title: Gallery\nEntry-ID: 2\nUUID: 3a6b2a52-0000-4000-8000-000000000002\n"
    "Date: 2020-01-02 12:00:00-00:00\n\n"
    '![Trip{gallery_id="trip",width=240,height=240,resize="fill"}](' + specs + ")\n"
)
templates = root / "templates"
templates.mkdir(exist_ok=True)
(templates / "entry.html").write_text("<!doctype html><title>{{entry.title}}</title>{{entry.body}}")
(templates / "index.html").write_text("<!doctype html><title>index</title>")
'''.replace("GALLERY_SIZE", str(GALLERY_SIZE))

DRIVER = r"""
import importlib.util, json, re, sys, threading, time
from pathlib import Path

app_file, scenario, out = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
spec = importlib.util.spec_from_file_location(app_file.stem, app_file)
module = importlib.util.module_from_spec(spec)
sys.path.insert(0, str(app_file.parent))
spec.loader.exec_module(module)
app = module.app
client = app.test_client()
client.get("/")  # warm-up: Publ rescans its index on its first request

import PIL.Image
opened = [0]
real_open = PIL.Image.open
def counting_open(*args, **kwargs):
    opened[0] += 1
    return real_open(*args, **kwargs)
PIL.Image.open = counting_open

PAGE = 4096
def rss():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * PAGE // 1024

class Sampler(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self.peak, self.stop = rss(), threading.Event()
    def run(self):
        while not self.stop.is_set():
            self.peak = max(self.peak, rss())
            self.stop.wait(0.002)

def image_urls(html):
    urls = re.findall(r'<img[^>]* src="([^"]+)"', html)
    for srcset in re.findall(r'srcset="([^"]+)"', html):
        urls += [part.split()[0] for part in srcset.split(", ")]
    return list(dict.fromkeys(urls))

page_path = "/photos/1" if scenario in ("first", "repeat") else "/photos/2"
page_before = rss()
start = time.perf_counter()
page = client.get(page_path, follow_redirects=True)
page_done = time.perf_counter()
page_opens = opened[0]
html = page.get_data(as_text=True)
urls = image_urls(html)
sizes = []
statuses = []
before = rss()
sampler = Sampler()
sampler.start()
images_start = time.perf_counter()
for url in urls:
    response = client.get(url, follow_redirects=True)
    statuses.append(response.status_code)
    sizes.append(len(response.data))
end = time.perf_counter()
sampler.stop.set()
sampler.join()
out.write_text(json.dumps({
    "page_status": page.status_code,
    "page_s": page_done - start,
    "page_opens": page_opens,
    "images_s": end - images_start,
    "images": len(urls),
    "image_statuses": sorted(set(statuses)),
    "image_bytes": sum(sizes),
    "image_opens": opened[0] - page_opens,
    "rss_before_kib": before,
    "peak_delta_kib": sampler.peak - before,
    "page_growth_kib": before - page_before,
}))
"""


def prepare_site(python: Path) -> Corpus:
    """Generate the benchmark site once (both engines read the same files)."""
    marker = SITE / ".generated"
    if not marker.exists():
        shutil.rmtree(SITE, ignore_errors=True)
        SITE.mkdir(parents=True)
        subprocess.run([str(python), "-c", GENERATOR, str(SITE)], check=True)
        marker.write_text("ok")
    (SITE / "image_driver.py").write_text(DRIVER)
    return Corpus(SITE, {}, {})


def clear_store(corpus: Corpus, engine: str) -> None:
    shutil.rmtree(corpus.root / f"static-{engine}" / "_img", ignore_errors=True)
    (corpus.root / f"static-{engine}").mkdir(exist_ok=True)


def run_scenario(python: Path, app: Path, scenario: str, logs: Path, tag: str) -> dict[str, Any]:
    out = logs / f"{tag}.json"
    driver = [str(python), str(SITE / "image_driver.py"), str(app), scenario, str(out)]
    result: RunResult = run_measured(driver, log_path=logs / f"{tag}.log", timeout_s=600)
    if not result.ok or not out.exists():
        raise SystemExit(f"{tag} failed:\n{log_tail(result)}")
    data: dict[str, Any] = json.loads(out.read_text())
    data.update(process_wall_s=result.wall_s, process_peak_kib=result.peak_rss_kib)
    if data["page_status"] != 200 or data["image_statuses"] != [200] or not data["images"]:
        raise SystemExit(f"{tag}: page or images did not load: {data}")
    return data


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per scenario and engine")
    parser.add_argument("--octavo-bin", help="path to the octavo executable")
    args = parser.parse_args(argv)
    publ = ensure_publ_env()
    octavo = find_octavo(args.octavo_bin)
    if octavo is None:
        raise SystemExit("octavo is not installed in .venv: pip install -e . first")
    corpus = prepare_site(publ.python)
    engines = {
        "publ": (
            publ.python,
            corpus.write_app(
                "publ_app",
                "publ",
                "Publ",
                SITE / "publ-index.db",
                static_folder=str(SITE / "static-publ"),
            ),
        ),
        "octavo": (
            octavo.python,
            corpus.write_app(
                "octavo_app",
                "octavo",
                "Octavo",
                SITE / "octavo-index.db",
                static_folder=str(SITE / "static-octavo"),
                index_scan_on_start=False,
                secret_key="bench",
            ),
        ),
    }
    publ_env = publ.flask_env(engines["publ"][1])
    subprocess.run(publ.cli("reindex", "--quietly"), env=publ_env, check=True)
    subprocess.run(
        octavo.cli(engines["octavo"][1], "reindex"),
        env=octavo.env(),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    logs = RESULTS_DIR / f"{stamp}-images-logs"
    logs.mkdir(parents=True, exist_ok=True)
    runs: dict[str, dict[str, list[dict[str, Any]]]] = {
        s: {"publ": [], "octavo": []} for s in SCENARIOS
    }
    for round_number in range(args.repeat):
        order = ["publ", "octavo"] if round_number % 2 == 0 else ["octavo", "publ"]
        for name in order:
            python, app = engines[name]
            for scenario in SCENARIOS:
                if scenario in ("first", "gallery_cold"):
                    clear_store(corpus, name)
                tag = f"{name}-{scenario}-{round_number}"
                runs[scenario][name].append(run_scenario(python, app, scenario, logs, tag))
                run = runs[scenario][name][-1]
                print(
                    f"  {tag}: page {run['page_s']:.3f}s, images {run['images_s']:.3f}s",
                    file=sys.stderr,
                )
    report = render_report(runs, args.repeat, octavo.version() or "?")
    print(report)
    (RESULTS_DIR / f"{stamp}-images.md").write_text(report)
    (RESULTS_DIR / f"{stamp}-images.json").write_text(json.dumps(runs, indent=1))


def render_report(
    runs: dict[str, dict[str, list[dict[str, Any]]]], repeat: int, version: str
) -> str:
    def median(scenario: str, engine: str, key: str) -> float:
        return statistics.median(run[key] for run in runs[scenario][engine])

    lines = [
        f"# Image renditions: Publ {PUBL_VERSION} vs Octavo {version}",
        "",
        f"Medians of {repeat} runs; ratio = Publ / Octavo. *Images* is the time to fetch "
        "every image the page shows (1x and 2x, following redirects: this is where "
        "renditions are rendered), *render memory* the peak RSS while fetching them minus "
        "the RSS just before; *page* is the HTML request before it. *Pillow opens* counts "
        "`PIL.Image.open` calls while fetching the images (page render / images).",
        "",
        "| scenario | images | Publ images | Octavo images | ratio | Publ render mem | "
        "Octavo render mem | ratio | Publ page | Octavo page | Publ process peak | "
        "Octavo process peak | Pillow opens Publ | Pillow opens Octavo |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for scenario in SCENARIOS:
        times = [median(scenario, e, "images_s") for e in ("publ", "octavo")]
        mems = [median(scenario, e, "peak_delta_kib") for e in ("publ", "octavo")]
        pages = [median(scenario, e, "page_s") for e in ("publ", "octavo")]
        peaks = [median(scenario, e, "process_peak_kib") for e in ("publ", "octavo")]
        opens = [
            f"{median(scenario, e, 'page_opens'):.0f} / {median(scenario, e, 'image_opens'):.0f}"
            for e in ("publ", "octavo")
        ]
        lines.append(
            f"| {scenario} | {runs[scenario]['octavo'][0]['images']} "
            f"| {times[0] * 1000:.0f} ms | {times[1] * 1000:.0f} ms | {_ratio(*times)} "
            f"| {mems[0] / 1024:.1f} MiB | {mems[1] / 1024:.1f} MiB | {_ratio(*mems)} "
            f"| {pages[0] * 1000:.0f} ms | {pages[1] * 1000:.0f} ms "
            f"| {peaks[0] / 1024:.0f} MiB | {peaks[1] / 1024:.0f} MiB | {opens[0]} | {opens[1]} |"
        )
    lines += [
        "",
        "Targets: first render at most half of Publ's time and memory (ratios >= 2.0x); "
        "a repeat request served without Pillow (Octavo image opens = 0).",
    ]
    return "\n".join(lines) + "\n"


def _ratio(publ: float, octavo: float) -> str:
    return f"{publ / octavo:.1f}x" if octavo > 0 else "n/a"


if __name__ == "__main__":
    main()
