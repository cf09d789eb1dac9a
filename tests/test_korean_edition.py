"""The Korean edition (notebooks/ko/) follows the English notebooks cell for cell and never drifts from them.

The expectation here is computed from the English files directly (their JSON), not from tools/translate.py:
every code cell and stored output of a Korean notebook equals the English one's, and every markdown cell
carries a translation made from the English text the notebook has now.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
HANGUL = re.compile(r"[\uac00-\ud7a3]")
# The issue asks for a Korean twin of EVERY English notebook: the strict checks below run for every notebook
# whose translation file exists, and test_every_english_notebook_has_a_translation_file fails for any
# English notebook without one (a new notebook needs `python tools/translate.py --init NN`).
TRANSLATED = [p for p in NOTEBOOKS if (ROOT / "notebooks" / "ko" / f"{p.stem}.md").exists()]


def load_translate():
    spec = importlib.util.spec_from_file_location("translate", ROOT / "tools" / "translate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["translate"] = module
    spec.loader.exec_module(module)
    return module


translate = load_translate()


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def heading_levels(markdown: str) -> list[int]:
    """The levels of the Markdown headings, in order (outside code fences): the outline a translation keeps."""
    body = re.sub(r"^```.*?^```", "", markdown, flags=re.S | re.M)
    return [len(m[1]) for m in re.finditer(r"^(#{1,6}) ", body, re.M)]


def text(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def test_every_english_notebook_has_a_translation_file():
    missing = [p.name for p in NOTEBOOKS if p not in TRANSLATED]
    assert not missing, (
        "no Korean translation yet (start one with `python tools/translate.py --init NN`): " + ", ".join(missing)
    )


def test_no_korean_file_without_an_english_notebook():
    english = {p.stem for p in NOTEBOOKS}
    orphans = [p.name for p in (ROOT / "notebooks" / "ko").glob("*.*") if p.stem not in english]
    assert not orphans, f"notebooks/ko/ holds files of no English notebook: {orphans}"


@pytest.mark.parametrize("english", TRANSLATED, ids=[p.stem for p in TRANSLATED])
def test_every_notebook_has_a_current_korean_twin(english):
    found = translate.problems(english)
    assert not found, "\n".join(found) + "\nSee README 'Korean edition' for how to update a translation."


@pytest.mark.parametrize("english", TRANSLATED, ids=[p.stem for p in TRANSLATED])
def test_code_and_outputs_identical_markdown_translated(english):
    korean = english.parent / "ko" / english.name
    if not korean.exists():
        pytest.fail(f"notebooks/ko/{english.name} is missing (run `make translate`)")
    en_nb = json.loads(english.read_text(encoding="utf-8"))
    ko_nb = json.loads(korean.read_text(encoding="utf-8"))
    assert ko_nb["metadata"] == {**en_nb["metadata"], "language": "ko"}, "notebook metadata: only language differs"
    en, ko = en_nb["cells"], ko_nb["cells"]
    assert [c["cell_type"] for c in ko] == [c["cell_type"] for c in en], "cells differ in number or kind"
    assert [c.get("id") for c in ko] == [c.get("id") for c in en], "cell ids differ"
    for index, (e, k) in enumerate(zip(en, ko)):
        if e["cell_type"] == "code":
            assert k == e, f"code cell {index} (or its outputs/metadata) differs from the English notebook"
        else:
            assert k.get("metadata") == e.get("metadata"), f"markdown cell {index}: metadata differs"
            assert heading_levels(text(k)) == heading_levels(text(e)), f"markdown cell {index}: headings differ"
            if HANGUL.search(text(e)) is None and re.search(r"[A-Za-z]{4,}", text(e)):
                assert HANGUL.search(text(k)), f"markdown cell {index} has no Korean text: {text(k)[:80]!r}"


def stray_emphasis(markdown: str) -> int:
    """How many `**`/`*` marks a Markdown renderer leaves as literal text (outside code).

    Korean trips CommonMark's flanking rule: "**ceil(N / B)**입니다" stays literal, because a closing
    `**` after punctuation must be followed by a space or punctuation ("**ceil(N / B)**. ..." works).
    Rendered with mistune, nbconvert's renderer (JupyterLab's follows the same CommonMark rule).
    """
    import mistune

    rendered = re.sub(r"<(code|pre)>.*?</\1>", "", mistune.html(markdown), flags=re.S)
    rendered = re.sub(r"\$[^$]*\$", "", re.sub(r"<[^>]+>", "", rendered))  # (LaTeX may hold a *)
    return rendered.count("**") + len(re.findall(r"(?<![*\s])\*(?![*\s])", rendered))


@pytest.mark.parametrize("english", TRANSLATED, ids=[p.stem for p in TRANSLATED])
def test_bold_and_italic_render_in_korean(english):
    korean = english.parent / "ko" / english.name
    if not korean.exists():
        pytest.skip(f"notebooks/ko/{english.name} not written yet")
    for index, (e, k) in enumerate(zip(cells(english), cells(korean))):
        if e["cell_type"] == "markdown" and k["cell_type"] == "markdown":
            assert stray_emphasis(text(k)) <= stray_emphasis(text(e)), (
                f"{english.name} cell {index} (id {k.get('id')}): a ** or * shows literally; put a space or "
                f"punctuation after the closing mark, e.g. '**ceil(N / B)**. ...' or '**배치**(batch)'"
            )


def test_stray_emphasis_is_noticed():
    assert stray_emphasis("**에포크당 스텝 수 = ceil(N / B)**입니다.") == 2
    assert stray_emphasis("**에포크당 스텝 수 = ceil(N / B)**. 마지막") == 0
    assert stray_emphasis("**샘플**(sample)과 *어느* 샘플, `a ** 2`, $a*b$") == 0


needs_one = pytest.mark.skipif(not TRANSLATED, reason="no notebook is translated yet")


@pytest.fixture
def scratch_copy(tmp_path, monkeypatch):
    """The first translated notebook and its translation file, copied to tmp_path, which translate.py then uses."""
    english = TRANSLATED[0]
    (tmp_path / "ko").mkdir()
    shutil.copy(english, tmp_path / english.name)
    shutil.copy(translate.translation_path(english), tmp_path / "ko" / f"{english.stem}.md")
    monkeypatch.setattr(translate, "NOTEBOOKS", tmp_path)
    monkeypatch.setattr(translate, "KO", tmp_path / "ko")
    copy = tmp_path / english.name
    return english, copy


@needs_one
def test_editing_an_english_cell_makes_its_translation_stale(scratch_copy, tmp_path):
    english, copy = scratch_copy
    (tmp_path / "ko" / english.name).write_text(translate.render(copy), encoding="utf-8")
    assert translate.problems(copy) == []

    nb = json.loads(copy.read_text(encoding="utf-8"))
    index, cell = next((i, c) for i, c in enumerate(nb["cells"]) if c["cell_type"] == "markdown")
    cell["source"] = text(cell) + "\nOne more English sentence."
    copy.write_text(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    found = translate.problems(copy)
    assert len(found) == 1
    assert english.name in found[0] and f"cell {index} (id {cell['id']}" in found[0]
    assert "changed since it was translated" in found[0]

    translate.refresh(copy)
    blocks = {b.cell_id: b for b in translate.parse_translation(tmp_path / "ko" / f"{english.stem}.md")}
    assert blocks[cell["id"]].flag == "stale"
    assert "translation marked stale" in translate.problems(copy)[0]


@needs_one
def test_a_hand_edited_korean_notebook_is_noticed(scratch_copy, tmp_path):
    english, copy = scratch_copy
    rendered = translate.render(copy)
    (tmp_path / "ko" / english.name).write_text(rendered.replace('"outputs": [', '"outputs": [ ', 1), encoding="utf-8")
    assert any("differs from what `make translate` writes" in p for p in translate.problems(copy))


def test_links_lead_to_the_korean_notebooks_and_other_files_one_folder_up():
    assert translate.localize_links("[next](02_batch_size_tradeoffs.ipynb)") == "[next](02_batch_size_tradeoffs.ipynb)"
    assert translate.localize_links("[data](data/README.md)") == "[data](../data/README.md)"
    assert translate.localize_links("[English](../00_start_here.ipynb)") == "[English](../00_start_here.ipynb)"
    assert (
        translate.localize_links("[paper](https://arxiv.org/abs/1502.03167)")
        == "[paper](https://arxiv.org/abs/1502.03167)"
    )


def test_a_malformed_marker_is_named(tmp_path):
    bad = tmp_path / "00_x.md"
    bad.write_text("<!-- cell abc sha256:xyz -->\ntext\n", encoding="utf-8")
    with pytest.raises(ValueError, match="00_x.md:1: malformed marker"):
        translate.parse_translation(bad)
