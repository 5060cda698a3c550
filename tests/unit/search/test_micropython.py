"""The browser's MicroPython and the functions' CPython must index and query alike: the
same texts through app/model/search.py in both (MicroPython's WebAssembly build, in Node,
the interpreter the pages load) give the same words, terms, weights and query parts."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from app.model import search
from tools.project import ROOT

MICROPYTHON = ROOT / "node_modules" / "@micropython" / "micropython-webassembly-pyscript"
TEXTS = [
    "How do I deploy my Lambda functions? Deploying is failing with a timeout.",
    "Héllo, WORLD! naïve café—Straße ÆON œuvre Ærø",
    "e\u0301te\u0301 ПРИВЕТ мир ΩΜΕΓΑ Ѐxit",
    "Don\u2019t use the instructor's serverless-101 course's S3 buckets; use DynamoDB!",
    "generalizations oscillators relational conditional hopping controlling",
    "1,000 requests/s at 3:12 -> 429 (rate-limited) #help $5 [x] {y} <z> a.b.c",
    "tabs\tand\nnewlines\r\nand\u00a0no-break\u2003em-space",
    "emoji 😀 smile 🙂 and 中文 かな 한국어",
    "lambda depl",
    "lambda deploying ",
    "",
]


def test_micropython_and_cpython_agree(tmp_path: Path) -> None:
    driver = (
        "import json\n"
        "out = []\n"
        "for text in json.loads(INPUT):\n"
        "    d = weigh([(text, TITLE_BOOST), (text + ' body', BODY_BOOST)])\n"
        "    out.append([words(text), terms(text), d, list(parse_query(text))])\n"
        "print(json.dumps(out))\n"
    )
    script = tmp_path / "run.mjs"
    script.write_text(
        f"import {{ loadMicroPython }} from {json.dumps(str(MICROPYTHON / 'micropython.mjs'))};\n"
        "import { readFileSync } from 'node:fs';\n"
        "let out = '';\n"
        "const mp = await loadMicroPython({ stdout: (line) => { out += line + '\\n'; } });\n"
        f"const source = readFileSync({json.dumps(str(ROOT / 'app/model/search.py'))}, 'utf8');\n"
        f"mp.globals.set('INPUT', {json.dumps(json.dumps(TEXTS, ensure_ascii=False))});\n"
        f"mp.runPython(source + '\\n' + {json.dumps(driver)});\n"
        "process.stdout.write(out);\n"
    )
    done = subprocess.run(["node", str(script)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    browser = json.loads(done.stdout)
    here = []
    for text in TEXTS:
        d = search.weigh([(text, search.TITLE_BOOST), (text + " body", search.BODY_BOOST)])
        here.append([search.words(text), search.terms(text), d, list(search.parse_query(text))])
    assert len(browser) == len(TEXTS)
    for text, mine, theirs in zip(TEXTS, here, browser, strict=True):
        assert json.loads(json.dumps(mine)) == theirs, text
    assert here[0][1][:2] == ["deploi", "lambda"]  # the comparison is not of empty results


SERVICE_FILES = [
    "app/__init__.py",
    "app/model/__init__.py",
    "app/model/paths.py",
    "app/model/search.py",
    "app/services/__init__.py",
    "app/services/search.py",
]
NODES = {
    "search/c1/terms/lambda": {"q1": 1.5, "q2~a1": 0.7, "q4": 0.2},
    "search/c1/prefix/depl": {"q1": 1.2, "q3": 1.9},
}


def test_the_search_service_runs_on_micropython_as_on_cpython(tmp_path: Path) -> None:
    """app/services/search.py's Searcher (its closures, its cache) on the browser's
    interpreter: the same reads and the same ranked results as here."""
    from app.services import search as service

    driver = (
        "import sys, json\n"
        "sys.path.append('/')\n"
        "from app.services import search as service\n"
        "NODES = json.loads(NODES_JSON)\n"
        "paths_read = []\n"
        "def read(path, ok, err):\n"
        "    paths_read.append(path)\n"
        "    ok(NODES.get(path))\n"
        "s = service.Searcher('c1', read=read, now=lambda: 0)\n"
        "out = []\n"
        "s.search('Lambda depl', out.append)\n"
        "s.search('lambda depl', out.append)\n"
        "print(json.dumps([out, paths_read]))\n"
    )
    files = {name: (ROOT / name).read_text() for name in SERVICE_FILES}
    script = tmp_path / "service.mjs"
    script.write_text(
        f"import {{ loadMicroPython }} from {json.dumps(str(MICROPYTHON / 'micropython.mjs'))};\n"
        "let out = '';\n"
        "const mp = await loadMicroPython({ stdout: (line) => { out += line + '\\n'; } });\n"
        "for (const d of ['/app', '/app/model', '/app/services']) mp.FS.mkdir(d);\n"
        f"const files = {json.dumps(files)};\n"
        "for (const [name, text] of Object.entries(files)) mp.FS.writeFile('/' + name, text);\n"
        f"mp.globals.set('NODES_JSON', {json.dumps(json.dumps(NODES))});\n"
        f"mp.runPython({json.dumps(driver)});\n"
        "process.stdout.write(out);\n"
    )
    done = subprocess.run(["node", str(script)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    browser = json.loads(done.stdout)

    paths_read: list[str] = []

    def read(path, ok, err):
        paths_read.append(path)
        ok(NODES.get(path))

    searcher = service.Searcher("c1", read=read, now=lambda: 0)
    out: list = []
    searcher.search("Lambda depl", out.append)
    searcher.search("lambda depl", out.append)
    assert browser == json.loads(json.dumps([out, paths_read]))
    assert [r["key"] for r in out[0]] == ["q1", "q3", "q2~a1", "q4"]
    assert paths_read == list(NODES)  # the second search came from the cache
