"""Pages of every letter kind as PNG (pdftoppm, 80 dpi), from benchmarks/document_samples.py:

    .venv/bin/python docs/documents/render_letters.py

Writes docs/documents/{approval,denial,amendment,revocation,ending}-letter-N.png (the sample
letters carry an example contact block: a 555 number and the reserved .example domain).
"""

import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from benchmarks import document_samples as samples  # noqa: E402
from kcsac.pdf import render_document  # noqa: E402

LETTERS = {
    "approval-letter": samples.approval_letter,
    "denial-letter": samples.denial_letter,
    "amendment-letter": samples.amendment_letter,
    "revocation-letter": samples.revocation_letter,
    "ending-letter": samples.ending_letter,
}


def main() -> int:
    for name, make in LETTERS.items():
        for old in HERE.glob(f"{name}-*.png"):
            old.unlink()
        with tempfile.TemporaryDirectory() as tmp:
            pdf = Path(tmp) / f"{name}.pdf"
            pdf.write_bytes(render_document(make()))
            subprocess.run(["pdftoppm", "-r", "80", "-png", str(pdf), str(HERE / name)], check=True)
        print(", ".join(sorted(p.name for p in HERE.glob(f"{name}-*.png"))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
