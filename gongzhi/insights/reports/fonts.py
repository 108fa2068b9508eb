"""The CJK font of the PDF report.

reportlab's TTFont reads TrueType outlines only: Debian's fonts-noto-cjk ships CFF (PostScript)
outlines in .ttc files, which TTFont refuses ("postscript outlines are not supported"). So:

1. GONGZHI_PDF_FONT (a setting, or the environment): a path to a .ttf/.ttc with TrueType
   outlines, optionally "path#index" for a collection's face;
2. known Debian paths of TrueType CJK fonts (fonts-wqy-microhei, fonts-wqy-zenhei,
   fonts-arphic-uming);
3. reportlab's built-in CID font STSong-Light, which needs no file: the PDF names the font and
   the reader supplies a Song face (Adobe-GB1). Text stays extractable, but how it looks
   depends on the reader, so a server should install fonts-wqy-microhei.

The found font is registered once per process.
"""

from __future__ import annotations

import logging
import os
from functools import cache
from pathlib import Path

from django.conf import settings
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

logger = logging.getLogger(__name__)

FONT_NAME = "GongzhiCJK"
CID_FALLBACK = "STSong-Light"
DEBIAN_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc#0",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc#0",
    "/usr/share/fonts/truetype/arphic/uming.ttc#0",
)


def _configured() -> str:
    value = getattr(settings, "GONGZHI_PDF_FONT", "") or os.environ.get("GONGZHI_PDF_FONT", "")
    return str(value).strip()


def _register(spec: str) -> bool:
    path, _sep, index = spec.partition("#")
    if not Path(path).is_file():
        return False
    try:
        pdfmetrics.registerFont(TTFont(FONT_NAME, path, subfontIndex=int(index or 0)))
    except (TTFError, ValueError, OSError) as exc:
        logger.warning("PDF font %s cannot be used: %s", spec, exc)
        return False
    return True


@cache
def cjk_font() -> str:
    """The registered name of the CJK font to write the report with (see the module)."""
    configured = _configured()
    candidates = ([configured] if configured else []) + list(DEBIAN_FONTS)
    for spec in candidates:
        if _register(spec):
            return FONT_NAME
    if configured:
        logger.warning("GONGZHI_PDF_FONT=%s not usable; falling back", configured)
    pdfmetrics.registerFont(UnicodeCIDFont(CID_FALLBACK))
    return CID_FALLBACK
