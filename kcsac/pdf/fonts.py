"""Embedded TrueType fonts that reuse their subset objects from one document to the next.

reportlab embeds, per font and document, a subset of the font: the font program (about
36 KB, compressed), a widths array and a ToUnicode map. A batch of letters embeds the same
subset again and again (ASCII plus the template's few other characters), and building it is
about a third of a letter's time. `EmbeddedFont` keeps the finished bytes of recent subsets
and writes exactly what reportlab would write (tests/pdf compares the bytes with plain
`TTFont`). It mirrors `TTFont.addObjects` and `TTFontFace.addSubsetObjects` of reportlab
5.1; check them again when reportlab is upgraded.
"""

import re
from collections import OrderedDict
from dataclasses import dataclass, field

from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.ttfonts import (
    FF_NONSYMBOLIC,
    FF_SYMBOLIC,
    SUBSETN,
    TTFont,
    makeToUnicodeCMap,
)

SUBSETS_KEPT = 64  # per font; each is about 40 KB of bytes


class _Formatted(pdfdoc.PDFObject):
    """A PDF value formatted once (bytes reportlab produced) and written again as is."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, document) -> bytes:
        return self.data


class _Mark(pdfdoc.PDFObject):
    """Stands for reference `index` while a template is formatted."""

    def __init__(self, index: int) -> None:
        self.index = index

    def format(self, document) -> bytes:
        return b"\x00R%d\x00" % self.index


_MARKS = re.compile(rb"\x00R(\d)\x00")


class _Template(pdfdoc.PDFObject):
    """An object formatted once, written again with this document's references in the
    places its marks held (a font's dictionary differs between documents only there)."""

    def __init__(self, parts: list, references: tuple, comment: str, ref_only: bool) -> None:
        self.parts = parts  # bytes, mark index, bytes, mark index, ..., bytes
        self.references = references
        self.__Comment__ = comment
        if ref_only:
            self.__RefOnly__ = 1

    def format(self, document) -> bytes:
        parts = self.parts
        out = [parts[0]]
        for i in range(1, len(parts), 2):
            out.append(self.references[int(parts[i])].format(document))
            out.append(parts[i + 1])
        return b"".join(out)


def _template(obj: pdfdoc.PDFObject, document, references: int) -> list:
    """`obj` formatted, split at the marks of its `references` (an object without any, such
    as a font program, is never searched: its binary bytes could hold a mark's pattern)."""
    data = obj.format(document)
    if not references:
        return [data]
    parts = _MARKS.split(data)
    if len(parts) != 2 * references + 1:
        raise ValueError(f"font template: {len(parts) // 2} marks for {references} references")
    return parts


@dataclass(frozen=True)
class _SubsetParts:
    widths: bytes  # the formatted /Widths array
    cmap: bytes  # the ToUnicode CMap stream content, compressed when the document is
    program: bytes  # the font program subset, compressed when the document is
    program_length: int  # uncompressed length (/Length1)
    # Formatted objects of this subset (streams, descriptor, font dictionary), made at the
    # first document that needs each: (what, internal name) -> template parts.
    formatted: dict = field(default_factory=dict, compare=False)


def _stream(content: bytes, compressed: bool, **entries) -> pdfdoc.PDFStream:
    """A stream whose content is already filtered: PDFStream.format skips its own filters
    when the dictionary names them, and writes the same bytes it would have produced."""
    stream = pdfdoc.PDFStream()
    stream.content = content
    for key, value in entries.items():
        stream.dictionary[key] = value
    if compressed:
        stream.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])
    return stream


class EmbeddedFont(TTFont):
    """A TTFont whose per-document subset objects come from a small cache."""

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename)
        self._parts: OrderedDict[tuple, _SubsetParts] = OrderedDict()

    def _subset_parts(self, base_name: str, subset: list[int], compressed: bool, doc):
        key = (base_name, tuple(subset), compressed)
        parts = self._parts.get(key)
        if parts is not None:
            self._parts.move_to_end(key)
            return parts
        face = self.face
        widths = pdfdoc.PDFArray(list(map(face.getCharWidth, subset))).format(doc)
        cmap = makeToUnicodeCMap(base_name, subset)
        cmap = cmap.encode("latin-1") if isinstance(cmap, str) else cmap
        program = face.makeSubset(subset)
        parts = _SubsetParts(
            widths=widths,
            cmap=pdfdoc.PDFZCompress.encode(cmap) if compressed else cmap,
            program=pdfdoc.PDFZCompress.encode(program) if compressed else program,
            program_length=len(program),
        )
        self._parts[key] = parts
        if len(self._parts) > SUBSETS_KEPT:
            self._parts.popitem(last=False)
        return parts

    def splitString(self, text, doc, encoding="utf-8"):  # noqa: N802 (reportlab's name)
        """As TTFont.splitString, faster when every character already has its code in the
        first subset (nearly every call: ASCII is pre-assigned, and a name's accents are
        assigned at their first use). Anything else goes to reportlab's own loop, which
        assigns new codes; the result is the same either way."""
        state = self.state.get(doc)
        if state is None or not isinstance(text, str):
            return super().splitString(text, doc, encoding)
        assignments = state.assignments
        try:
            # KeyError: a character without a code yet (or no glyph, or a no-break space,
            # which reportlab maps to a space); ValueError: a code past the first subset.
            codes = bytes([assignments[c] for c in map(ord, text)])
        except (KeyError, ValueError):
            return super().splitString(text, doc, encoding)
        return [(0, codes)] if codes else []

    def addObjects(self, doc) -> None:  # noqa: N802 (reportlab's name)
        """As TTFont.addObjects, with the subset's bytes, and its objects formatted, from
        the cache (the objects' formatting was half of writing a letter's file)."""
        try:
            state = self.state[doc]
        except KeyError:
            state = self.state[doc] = TTFont.State(self._asciiReadable)
        state.frozen = 1
        for n, subset in enumerate(state.subsets):
            self._add_subset(doc, n, subset)
        del self.state[doc]

    def _add_subset(self, doc, n: int, subset: list[int]) -> None:
        """One subset's objects, as TTFontFace.addSubsetObjects makes them."""
        face = self.face
        compressed = bool(doc.compression)
        internal_name = self.getSubsetInternalName(n, doc)[1:]
        base_name = b"".join((SUBSETN(n), b"+", face.name, face.subfontNameX)).decode("pdfdoc")
        parts = self._subset_parts(base_name, subset, compressed, doc)
        # Formatted bytes do not depend on the document unless it is encrypted.
        made = parts.formatted if isinstance(doc.encrypt, pdfdoc.NoEncryption) else {}

        def reuse(what, build, references=(), *, ref_only=True, comment=""):
            """The object `build()` makes, formatted once per subset (and internal name)."""
            key = (what, internal_name if what == "font" else "")
            if key not in made:
                made[key] = _template(build(), doc, len(references))
            return _Template(made[key], references, comment, ref_only)

        cmap = reuse("cmap", lambda: _stream(parts.cmap, compressed))
        to_unicode = doc.Reference(cmap, "toUnicodeCMap:" + base_name)
        program = reuse(
            "program", lambda: _stream(parts.program, compressed, Length1=parts.program_length)
        )
        program_ref = doc.Reference(program, f"fontFile:{face.filename}({base_name})")

        def descriptor_dictionary():
            return pdfdoc.PDFDictionary(
                {
                    "Type": "/FontDescriptor",
                    "Ascent": face.ascent,
                    "CapHeight": face.capHeight,
                    "Descent": face.descent,
                    "Flags": (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC,
                    "FontBBox": pdfdoc.PDFArray(face.bbox),
                    "FontName": pdfdoc.PDFName(base_name),
                    "ItalicAngle": face.italicAngle,
                    "StemV": face.stemV,
                    "FontFile2": _Mark(0),
                    "MissingWidth": face.defaultWidth,
                }
            )

        # A plain dictionary in reportlab, so not a reference-only object.
        descriptor = reuse("descriptor", descriptor_dictionary, (program_ref,), ref_only=False)
        descriptor_ref = doc.Reference(descriptor, "fontDescriptor:" + base_name)

        def font_dictionary():
            pdf_font = pdfdoc.PDFTrueTypeFont()
            pdf_font.Name = internal_name
            pdf_font.BaseFont = base_name
            pdf_font.FirstChar = 0
            pdf_font.LastChar = len(subset) - 1
            pdf_font.Widths = _Formatted(parts.widths)
            pdf_font.ToUnicode = _Mark(0)
            pdf_font.FontDescriptor = _Mark(1)
            return pdf_font

        comment = f"Font {self.fontName} subset {n}"
        pdf_font = reuse("font", font_dictionary, (to_unicode, descriptor_ref), comment=comment)
        doc.Reference(pdf_font, internal_name)
        doc.idToObject["BasicFonts"].dict[internal_name] = pdf_font
