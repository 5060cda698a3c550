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
