"""Helpers for PDF tests: text extraction with pypdf and page images with pdftoppm."""

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text, whitespace collapsed (wrapped lines join with one space)."""
    reader = PdfReader(io.BytesIO(pdf))
    return [re.sub(r"\s+", " ", page.extract_text() or "") for page in reader.pages]


def all_text(pdf: bytes) -> str:
    return " ".join(page_texts(pdf))


def missing(text: str, wanted: list[str]) -> list[str]:
    """The wanted strings that the text does not contain (whitespace-normalised)."""
    return [w for w in wanted if re.sub(r"\s+", " ", w) not in text]


@pytest.fixture
def render_pngs(tmp_path: Path):
    """Render a PDF's pages to PNG with poppler's pdftoppm; returns the PNG paths."""
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm (poppler-utils) is not installed; run scripts/bootstrap")

    def render(pdf: bytes, name: str = "doc", dpi: int = 40) -> list[Path]:
        source = tmp_path / f"{name}.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-png", str(source), str(tmp_path / name)],
            check=True,
            capture_output=True,
        )
        return sorted(tmp_path.glob(f"{name}-*.png"))

    return render


def ink_share(png: Path, box: tuple[float, float, float, float] = (0, 0, 1, 1)) -> float:
    """Share of pixels in `box` (fractions of width/height) that are not near-white."""
    with Image.open(png) as img:
        gray = img.convert("L")
        w, h = gray.size
        region = gray.crop((int(box[0] * w), int(box[1] * h), int(box[2] * w), int(box[3] * h)))
        histogram = region.histogram()  # 256 counts of gray levels
        return sum(histogram[:200]) / max(1, sum(histogram))
