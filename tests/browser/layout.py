"""What a person on a phone would hit on a page: sideways scroll, and words broken inside
a table cell ("Nouv/eau", "Éclaira/ge"). The measurement is the one of the team's
screenshot tool; an e-mail address may wrap after its @ or at a dot, never inside a word."""

MEASURE = """(width) => {
  const out = {overflow: 0, broken: []};
  out.overflow = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - width;
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
  return out;
}"""


def layout_problems(page):
    """[] when the page fits its viewport's width and no table cell breaks a word."""
    found = page.evaluate(MEASURE, page.viewport_size["width"])
    problems = []
    if found["overflow"] > 0:
        problems.append(f"{page.url}: sideways scroll of {found['overflow']} px")
    if found["broken"]:
        problems.append(f"{page.url}: words broken in table cells: "
                        + ", ".join(sorted(set(found["broken"]))[:10]))
    return problems
