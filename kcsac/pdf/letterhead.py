"""kcsac's own neutral mark (a water drop in a circle), drawn in code: not the city's seal.

resources/letterhead/mark.svg holds the same drawing for screens; keep the two alike.
"""

from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas

from kcsac.pdf import styles

# The drop's outline in a unit square (origin bottom left): tip at the top, round at the bottom.
_DROP = (
    (0.50, 0.84),
    ((0.50, 0.84), (0.31, 0.60), (0.31, 0.43)),
    ((0.31, 0.32), (0.40, 0.23), (0.50, 0.23)),
    ((0.60, 0.23), (0.69, 0.32), (0.69, 0.43)),
    ((0.69, 0.60), (0.50, 0.84), (0.50, 0.84)),
)


def draw_mark(canvas: Canvas, x: float, y: float, size: float) -> None:
    """Draw the mark with its lower-left corner at (x, y), `size` points square."""
    canvas.saveState()
    canvas.setFillColor(styles.BRAND)
    canvas.circle(x + size / 2, y + size / 2, size / 2, stroke=0, fill=1)
    path = canvas.beginPath()
    start, *curves = _DROP
    path.moveTo(x + start[0] * size, y + start[1] * size)
    for c1, c2, end in curves:
        path.curveTo(
            x + c1[0] * size,
            y + c1[1] * size,
            x + c2[0] * size,
            y + c2[1] * size,
            x + end[0] * size,
            y + end[1] * size,
        )
    path.close()
    canvas.setFillColor(colors.white)
    canvas.drawPath(path, stroke=0, fill=1)
    # A small highlight in the drop so it reads as water at small sizes.
    canvas.setFillColor(styles.WATER)
    canvas.circle(x + 0.44 * size, y + 0.40 * size, 0.05 * size, stroke=0, fill=1)
    canvas.restoreState()
