"""A tiny HTML tree with CSS-ish selection for page tests (no parser dependency).

Selectors: compound parts `tag#id.class[attr][attr=value]` joined by a space
(descendant) or `>` (child), and comma-separated alternatives.
"""

import re
from html.parser import HTMLParser

VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
    "source", "track", "wbr",
}  # fmt: skip
_PART = re.compile(
    r"([a-z0-9]+)|#([\w-]+)|\.([\w-]+)|\[([\w-]+)(?:=\"?([^\]\"]*)\"?)?\]"
)


class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children = []

    def __getitem__(self, name):
        return self.attrs[name]

    def get(self, name, default=None):
        return self.attrs.get(name, default)

    @property
    def classes(self):
        return (self.attrs.get("class") or "").split()

    def get_text(self):
        return "".join(c if isinstance(c, str) else c.get_text() for c in self.children)

    @property
    def text(self):
        return self.get_text()

    def descendants(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.descendants()

    def select(self, selector):
        found = []
        for alternative in selector.split(","):
            for node in _select(self, alternative.strip()):
                if node not in found:
                    found.append(node)
        return found

    def select_one(self, selector):
        found = self.select(selector)
        return found[0] if found else None

    def find_all(self, tag):
        return [n for n in self.descendants() if n.tag == tag]


def _compound(text):
    parts = _PART.findall(text)
    if "".join("".join(p) for p in parts) == "" and text:
        raise ValueError(text)

    def matches(node):
        for tag, id_, cls, attr, value in parts:
            if tag and node.tag != tag:
                return False
            if id_ and node.attrs.get("id") != id_:
                return False
            if cls and cls not in node.classes:
                return False
            if attr:
                if attr not in node.attrs:
                    return False
                if value and (node.attrs[attr] or "") != value:
                    return False
        return True

    return matches


def _select(root, selector):
    tokens = selector.replace(">", " > ").split()
    current = [root]
    child = False
    for token in tokens:
        if token == ">":
            child = True
            continue
        match = _compound(token)
        nxt = []
        for node in current:
            pool = (
                [c for c in node.children if isinstance(c, Node)]
                if child
                else node.descendants()
            )
            for candidate in pool:
                if match(candidate) and candidate not in nxt:
                    nxt.append(candidate)
        current, child = nxt, False
    return current


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.node = Node("#document", {})

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.node)
        self.node.children.append(node)
        if tag not in VOID:
            self.node = node

    def handle_startendtag(self, tag, attrs):
        self.node.children.append(Node(tag, attrs, self.node))

    def handle_endtag(self, tag):
        node = self.node
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.node = node.parent

    def handle_data(self, data):
        self.node.children.append(data)


def parse(html):
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root
