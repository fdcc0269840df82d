"""HTML -> the markdown-like intermediate, with the standard library's parser."""

from __future__ import annotations

from html.parser import HTMLParser

SKIP = {"script", "style", "nav", "footer", "head", "noscript", "svg"}
BLOCK = {"p", "div", "li", "section", "article", "br", "blockquote", "dd", "dt", "tr"}


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.title = ""
        self._skip = 0
        self._in_title = False
        self._pre = False
        self._heading = 0
        self._cells: list[str] | None = None
        self._cell: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIP:
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self._heading = int(tag[1])
            self.out.append("\n\n" + "#" * self._heading + " ")
        elif tag == "pre":
            self._pre = True
            self.out.append("\n\n```\n")
        elif tag == "tr":
            self._cells = []
        elif tag in {"td", "th"}:
            self._cell = []
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.out.append(f"\n\n![{alt}](image)\n\n")
        elif tag == "figcaption":
            self.out.append("\n\nFigure: ")
        elif tag in BLOCK:
            self.out.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag == "title":
            self._in_title = False
        elif tag.startswith("h") and tag[1:].isdigit():
            self._heading = 0
            self.out.append("\n\n")
        elif tag == "pre":
            self._pre = False
            self.out.append("\n```\n\n")
        elif tag in {"td", "th"} and self._cells is not None:
            self._cells.append(" ".join("".join(self._cell).split()))
        elif tag == "tr" and self._cells is not None:
            self.out.append("\n| " + " | ".join(self._cells) + " |")
            self._cells = None
        elif tag == "table":
            self.out.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._in_title:
            self.title += data.strip()
        elif self._cells is not None:
            self._cell.append(data)
        elif self._pre:
            self.out.append(data)
        else:
            self.out.append(" ".join(data.split()) + (" " if data.endswith(" ") else ""))


def html_to_markdown(text: str) -> tuple[str, str]:
    """The intermediate text and the page title."""
    parser = _Converter()
    parser.feed(text)
    parser.close()
    return "".join(parser.out), parser.title
