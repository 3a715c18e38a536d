"""What a person on a phone would hit on a page: sideways scroll, words broken inside a
table cell ("Nouv/eau", "Éclaira/ge"), a drawing's text covered by a shape or another text
drawn after it, or cut by the drawing's edge (a chart's "Hauts-de-Bièvre Habitat" under its
bar), and controls too small for a thumb (under 44 x 44 px; a link inside running text is
exempt, as WCAG 2.5.8 exempts it, and a checkbox or radio counts with its label). The
measurement is the one of the team's screenshot tool, and more; an e-mail address may wrap
after its @ or at a dot, never inside a word."""

TARGET = 44

MEASURE = """([width, target]) => {
  const out = {overflow: 0, broken: [], hidden: [], small: []};
  out.overflow = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - width;
  const meets = (a, b) => a.left < b.right - 1 && b.left < a.right - 1
    && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  for (const svg of document.querySelectorAll('svg')) {
    const frame = svg.getBoundingClientRect();
    const texts = [...svg.querySelectorAll('text')];
    for (const text of texts) {
      const box = text.getBoundingClientRect();
      const above = [...svg.querySelectorAll('rect, text')].filter(
        (other) => text.compareDocumentPosition(other) & Node.DOCUMENT_POSITION_FOLLOWING);
      if (box.left < frame.left - 1 || box.right > frame.right + 1
          || above.some((other) => meets(box, other.getBoundingClientRect()))) {
        out.hidden.push(text.textContent.trim().slice(0, 30));
      }
    }
  }
  for (const cell of document.querySelectorAll('td, th')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      const re = /[^\\s\\-\\/@.]+/g; let m;
      while ((m = re.exec(node.data))) {
        if (m[0].length < 2) continue;
        const r = document.createRange();
        r.setStart(node, m.index); r.setEnd(node, m.index + m[0].length);
        const tops = new Set([...r.getClientRects()].map(b => Math.round(b.top)));
        if (tops.size > 1) out.broken.push(m[0]);
      }
    }
  }
  const inText = (el) => {
    const block = el.closest('p, li, td, dd');
    return block && block.textContent.trim().length > el.textContent.trim().length + 3;
  };
  const controls = 'a[href]:not([href^="#"]), button, input:not([type=hidden]), select, '
    + 'textarea, summary';
  for (const el of document.querySelectorAll(controls)) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height
        || el.closest('.leaflet-control-attribution, .leaflet-marker-pane')) continue;
    if (el.tagName === 'A' && inText(el)) continue;
    let w = box.width, h = box.height;
    if ((el.type === 'checkbox' || el.type === 'radio') && el.labels && el.labels[0]) {
      const label = el.labels[0].getBoundingClientRect();
      w = Math.max(w, label.right - box.left); h = Math.max(h, label.height);
    }
    if (w < target || h < target) {
      const name = (el.textContent || el.name || '').trim().slice(0, 30);
      out.small.push(`${el.tagName.toLowerCase()} ${Math.round(w)}x${Math.round(h)} "${name}"`);
    }
  }
  return out;
}"""


def layout_problems(page):
    """[] when the page fits its viewport's width, no table cell breaks a word and every
    control is a thumb's size."""
    found = page.evaluate(MEASURE, [page.viewport_size["width"], TARGET])
    problems = []
    if found["overflow"] > 0:
        problems.append(f"{page.url}: sideways scroll of {found['overflow']} px")
    if found["broken"]:
        problems.append(f"{page.url}: words broken in table cells: "
                        + ", ".join(sorted(set(found["broken"]))[:10]))
    if found["hidden"]:
        problems.append(f"{page.url}: drawn text covered or cut: "
                        + ", ".join(found["hidden"][:5]))
    if found["small"]:
        problems.append(f"{page.url}: under {TARGET} px: " + "; ".join(found["small"][:5]))
    return problems
