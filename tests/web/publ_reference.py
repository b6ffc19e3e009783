"""Run the real Publ 0.8.19 on a web fixture site and print what it answers.

This is not a test: it is how the expectations in tests/web/cases.py were checked
against Publ. Run it with Publ's interpreter (the venv made by bench/publ_env.py):

    bench/.venv-publ/bin/python tests/web/publ_reference.py check
        replays every case of tests/web/cases.py on Publ and lists where Publ's
        answer differs from the recorded expectation (cases marked with a `fix`
        are Publ bugs that Octavo fixes, and are expected to differ);
    bench/.venv-publ/bin/python tests/web/publ_reference.py record-matrix
        replays the template API matrix (tests/web/matrix.py) on Publ and writes
        its answers to tests/web/matrix_publ.json;
    bench/.venv-publ/bin/python tests/web/publ_reference.py get SITE PATH[@@ACCEPT]...
        prints Publ's status, headers and body for each request;
    bench/.venv-publ/bin/python tests/web/publ_reference.py probe SITE PATH 'TEMPLATE'
        renders a template source at PATH (a category URL) and prints the output.

The fixture is copied to a temporary folder first (Publ rewrites content files
that lack headers), indexed fully, and given one warm-up request so that Publ's
first-request rescan (B21) does not turn 404s into 503s.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SITES = os.path.join(os.path.dirname(HERE), "sites", "web")
sys.path.insert(0, HERE)

import cases  # noqa: E402
import matrix  # noqa: E402


def build_app(site: str, workdir: str):  # type: ignore[no-untyped-def]
    import publ
    from publ import index

    root = os.path.join(workdir, site)
    shutil.copytree(os.path.join(SITES, site), root)
    config = {
        "database_config": {"provider": "sqlite", "filename": os.path.join(workdir, "publ.db")},
        "content_folder": os.path.join(root, "content"),
        "template_folder": os.path.join(root, "templates"),
        "static_folder": os.path.join(root, "static"),
        "index_enable_watchdog": False,
        "index_rescan_interval": 0,
        "timezone": "UTC",
        **cases.SITE_CONFIG.get(site, {}),
    }
    app = publ.Publ(site, config)
    if site == "routes":
        cases.register_regex_aliases(app)
    with app.app_context():
        index.scan_index(config["content_folder"], False)
        while index.in_progress():
            time.sleep(0.05)
    client = app.test_client()
    client.get("/")
    with app.app_context():
        while index.in_progress():
            time.sleep(0.05)
    return app, client, root


def probe_path(root: str, source: str) -> str:
    """Write a probe template under a name derived from its source; return the name."""
    name = "probe-" + hashlib.sha1(source.encode("utf-8")).hexdigest()[:12]
    with open(os.path.join(root, "templates", name + ".txt"), "w", encoding="utf-8") as handle:
        handle.write(source)
    return name


def run_probe(client, root: str, path: str, source: str):  # type: ignore[no-untyped-def]
    name = probe_path(root, source)
    base, _, query = path.partition("?")
    url = base + name + (("?" + query) if query else "")
    return client.get(url)


def normalise(text: str) -> str:
    return " ".join(text.split())


def location(response) -> str | None:  # type: ignore[no-untyped-def]
    """The Location header without Publ's scheme and host (Octavo's are site-relative)."""
    found = response.headers.get("Location")
    return (
        found[len("http://localhost") :]
        if found and found.startswith("http://localhost/")
        else found
    )


def report(kind: str, case, got: str, want: str) -> int:  # type: ignore[no-untyped-def]
    """Print a difference; return 1 when it is not a known fix or deliberate difference."""
    if case.fix:
        mark = f"(fix {case.fix})"
    elif case.differs:
        mark = "(deliberate)"
    else:
        mark = "DIFFERS"
    print(f"{mark} {case.site} {kind}: Publ {got}, expected {want}")
    return 0 if case.fix or case.differs else 1


def check_site(site: str) -> int:
    differences = 0
    with tempfile.TemporaryDirectory() as workdir:
        _app, client, root = build_app(site, workdir)
        for case in (c for c in cases.REQUESTS if c.site == site):
            headers = {"Accept": case.accept} if case.accept else {}
            response = client.get(case.path, headers=headers)
            got = (response.status_code, location(response))
            want = (case.status, case.location)
            text = normalise(response.get_data(as_text=True))
            if got != want or (case.body and normalise(case.body) not in text):
                differences += report(f"GET {case.id}", case, f"{got} {text[:80]!r}", str(want))
        for probe in (p for p in cases.PROBES if p.site == site):
            response = run_probe(client, root, probe.path, probe.template)
            got_text = normalise(response.get_data(as_text=True))
            if response.status_code != 200 or got_text != normalise(probe.expected):
                differences += report(
                    f"probe {probe.name}",
                    probe,
                    f"{response.status_code} {got_text!r}",
                    repr(normalise(probe.expected)),
                )
    return differences


def check() -> int:
    """Each site in its own process: Publ allows one app (and one database) per process."""
    import subprocess

    differences = 0
    for site in sorted({c.site for c in cases.REQUESTS} | {p.site for p in cases.PROBES}):
        proc = subprocess.run(
            [sys.executable, __file__, "check-site", site],
            capture_output=True,
            text=True,
            check=False,
        )
        print(proc.stdout, end="")
        differences += proc.returncode
    print(f"{differences} unexplained difference(s)")
    return 1 if differences else 0


def record_matrix() -> int:
    """Publ's status and normalised output for every matrix probe, as JSON."""
    answers = {}
    with tempfile.TemporaryDirectory() as workdir:
        _app, client, root = build_app(matrix.SITE, workdir)
        for probe in matrix.probes():
            response = run_probe(client, root, probe.path, probe.template)
            text = normalise(response.get_data(as_text=True))
            answers[probe.name] = [
                response.status_code,
                text if response.status_code == 200 else "",
            ]
    with open(os.path.join(HERE, "matrix_publ.json"), "w", encoding="utf-8") as handle:
        json.dump(answers, handle, indent=0, ensure_ascii=False, sort_keys=True)
        handle.write("\n")
    print(f"{len(answers)} probes recorded")
    return 0


def show(response) -> None:  # type: ignore[no-untyped-def]
    print(response.status_code, json.dumps(dict(response.headers)))
    print(response.get_data(as_text=True)[:3000])


def main(argv: list[str]) -> int:
    if argv[:1] == ["check"]:
        return check()
    if argv[:1] == ["record-matrix"]:
        return record_matrix()
    if argv[:1] == ["check-site"]:
        return min(check_site(argv[1]), 100)
    if len(argv) >= 3 and argv[0] in ("get", "probe"):
        with tempfile.TemporaryDirectory() as workdir:
            _app, client, root = build_app(argv[1], workdir)
            if argv[0] == "probe":
                show(run_probe(client, root, argv[2], argv[3]))
                return 0
            for arg in argv[2:]:
                path, _, accept = arg.partition("@@")
                print(f"=== GET {path}" + (f" (Accept: {accept})" if accept else ""))
                show(client.get(path, headers={"Accept": accept} if accept else {}))
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
