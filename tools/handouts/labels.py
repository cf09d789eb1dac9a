"""The words printed on the handouts: edition labels, page numbers and titles, in English and Korean.

The Korean edition (``notebooks/ko/``, written by tools/translate.py; a notebook's ``metadata.language`` says
"ko") is built into ``<out>/ko/<edition>/`` with the words of `KOREAN` instead of the English ones.
"""

from __future__ import annotations

from typing import Any

LANGUAGES = ("en", "ko")
FALLBACK_COURSE_TITLE = "Batch size, feature scaling and batch normalization"

EDITION_LABELS = {"instructor": "Instructor edition (with solutions)", "student": "Student edition"}
EDITION_NAMES = {"instructor": "Instructor edition", "student": "Student edition"}  # in titles (no parentheses)
SOLUTION_NOTE = "*Solution: in the instructor edition.*"

KOREAN = {
    "course": "배치 크기, 특성 스케일링, 배치 정규화",
    "full_course": "배치 크기, 특성 스케일링, 배치 정규화: Keras로 직접 해 보는 강좌",
    "edition_labels": {"instructor": "교수자용 (풀이 포함)", "student": "학생용"},
    "edition_names": {"instructor": "교수자용", "student": "학생용"},
    "solution_note": "*풀이: 교수자용에 있습니다.*",
    "page": "{k} / {n}쪽",
    "all_notebooks": "전체 노트북",
    "index_note": {
        "instructor": "모든 노트북과 그 출력, 그리고 연습 문제의 풀이.",
        "student": "모든 노트북과 그 출력. 연습 문제는 여러분의 몫이며, 문제마다 스스로 확인하는 셀이 있습니다.",
    },
    "index_other": ' (다른 판: <a href="../student/index.html">학생용</a>.)',
    "index_whole": "강좌 전체를 한 파일로:",
    "cover_note": {
        "instructor": "이 판에는 모든 노트북과 그 출력, 그리고 모든 연습 문제의 풀이가 들어 있습니다.",
        "student": "이 판에는 모든 노트북과 그 출력이 들어 있습니다. 연습 문제는 여러분의 몫입니다. "
        "문제마다 답이 맞는지 알려 주는 확인 셀이 있고, 풀이는 교수자용에 있습니다. "
        "확인 메시지는 영어로 나옵니다.",
    },
    "contents": "차례",
    "page_column": "쪽",
    "license": "코드는 MIT 라이선스, 글과 그림은 CC BY 4.0.",
    "built": "리비전 {rev}에서 만들었습니다.",
}
# Hangul: Debian's fonts-noto-cjk (Noto Sans CJK KR), after the Latin fonts so English text looks as before.
CJK_FONTS = "'Noto Sans CJK KR', 'Noto Sans KR'"
KOREAN_CSS = (
    ":root { --jp-content-font-family: system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', "
    f"{CJK_FONTS}, sans-serif; --jp-ui-font-family: 'DejaVu Sans', {CJK_FONTS}, sans-serif; }}\n"
    "body { word-break: keep-all; }\n"
)


def check_language(language: str) -> None:
    """Raise ValueError unless `language` is one the handouts are built in."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, got {language!r}")


def notebook_language(nb: Any) -> str:
    """ "ko" for a notebook of the Korean edition (metadata.language, set by tools/translate.py), else "en"."""
    return "ko" if nb.get("metadata", {}).get("language") == "ko" else "en"


def page_label(k: int, n: int, language: str = "en") -> str:
    """The page number in the footer: "page 3 of 12" / "3 / 12쪽"."""
    return KOREAN["page"].format(k=k, n=n) if language == "ko" else f"page {k} of {n}"


def edition_label(edition_name: str, language: str = "en") -> str:
    """The edition as the footer, index and cover name it: "Instructor edition (with solutions)"."""
    return (KOREAN["edition_labels"] if language == "ko" else EDITION_LABELS)[edition_name]


def edition_title(edition_name: str, language: str = "en") -> str:
    """The edition as titles name it, without parentheses: "Instructor edition"."""
    return (KOREAN["edition_names"] if language == "ko" else EDITION_NAMES)[edition_name]


def solution_note(language: str = "en") -> str:
    """The markdown that stands in the student edition where a worked solution was."""
    return KOREAN["solution_note"] if language == "ko" else SOLUTION_NOTE


def pdf_title(label: str, course: str, edition_name: str, language: str = "en") -> str:
    """The title of a handout (HTML <title>, PDF metadata): "03 · Feature scaling — <course> — Student edition"."""
    return f"{label} — {course} — {edition_title(edition_name, language)}"
