"""Layout checks run in the browser: horizontal overflow, overlapping text, chart text cut off at its SVG.

Each check is one JavaScript function returning the problems it found *with the text involved*, so a
failing test says which labels collide or which element pokes out of the screen, not just that something
did.  Kept free of fixtures (like browser.py) so a debugging session can import it.

What counts as overflow: the document or Streamlit's scrolling main area being wider than the viewport, or
any visible element reaching past the viewport's left or right edge, unless it sits inside a scroll
container we allow on purpose (``ALLOWED_SCROLLERS``: a dataframe's own grid, a code block), since
scrolling inside one box on a phone is fine while the page itself must not scroll sideways.
"""

from __future__ import annotations

from typing import Any

#: Boxes that may scroll sideways inside themselves on a phone: Streamlit's dataframe (a canvas grid with
#: its own scroll bar, whose first column stays pinned) and code blocks (an address must not be broken).
ALLOWED_SCROLLERS = ('[data-testid="stDataFrame"]', '[data-testid="stCode"]', '[data-testid="stCodeBlock"]')

OVERFLOW_JS = """(allowed) => {
  const vw = window.innerWidth;
  const out = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > vw + 1) out.push(`document is ${doc.scrollWidth} px wide in a ${vw} px viewport`);
  const main = document.querySelector('[data-testid="stMain"]');
  if (main && main.scrollWidth > main.clientWidth + 1)
    out.push(`the main area scrolls sideways: ${main.scrollWidth} px content in ${main.clientWidth} px`);
  const sidebar = document.querySelector('[data-testid="stSidebar"]');
  const sidebarOpen = sidebar && sidebar.getAttribute('data-collapsed') === 'false';
  const visible = e => {
    const s = getComputedStyle(e);
    return s.display !== 'none' && s.visibility !== 'hidden' && e.getClientRects().length > 0;
  };
  const root = document.querySelector('[data-testid="stApp"]') || document.body;
  for (const e of root.querySelectorAll('*')) {
    if (sidebar && sidebar.contains(e) && !sidebarOpen) continue;  // parked off screen on purpose
    if (allowed.some(sel => e.closest(sel) && e.closest(sel) !== e)) continue;
    if (e.closest('[inert]')) continue;  // a closed expander's content, not drawn
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.right <= vw + 1 && r.left >= -1) continue;
    if (!visible(e)) continue;
    // Clipped away by an ancestor that does not let it show (overflow hidden and inside the screen).
    let clipped = false;
    for (let a = e.parentElement; a && a !== root; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX !== 'visible') {
        const ar = a.getBoundingClientRect();
        if (ar.right <= vw + 1 && ar.left >= -1) { clipped = true; break; }
      }
    }
    if (clipped) continue;
    const id = e.getAttribute('data-testid') || e.className && String(e.className).slice(0, 40) || '';
    out.push(`<${e.tagName.toLowerCase()} ${id}> spans ${Math.round(r.left)}..${Math.round(r.right)} px ` +
             `(viewport ${vw}): ${(e.textContent || '').trim().slice(0, 60)}`);
    if (out.length > 12) break;
  }
  return out;
}"""

#: Pairs of text boxes that overlap by more than this (px, each way) are reported; glyph boxes of
#: neighbouring lines touch by a pixel or two, which is not a collision.
OVERLAP_TOLERANCE_PX = 2

OVERLAP_JS = """(tol) => {
  const out = [];
  const q = t => JSON.stringify(t.slice(0, 50));
  const px = hit => `${hit[0].toFixed(0)}×${hit[1].toFixed(0)} px`;
  const inter = (a, b) => {
    const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    return w > tol && h > Math.max(tol, 0.2 * Math.min(a.bottom - a.top, b.bottom - b.top)) ? [w, h] : null;
  };
  const shown = e => {
    if (e.closest('[inert]')) return false;  // a closed expander's content, not drawn
    for (let a = e; a && a.nodeType === 1; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.display === 'none' || s.visibility === 'hidden' || s.opacity === '0') return false;
    }
    return true;
  };
  // 1. HTML text in the main area: one box per line of each text node (a Range's client rects).
  const main = document.querySelector('[data-testid="stMain"]');
  const boxes = [];
  if (main) {
    const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent.trim();
      const skip = '.js-plotly-plot, svg, [data-testid="stTooltipContent"], [data-testid="stIconMaterial"]';
      if (!text || !n.parentElement || n.parentElement.closest(skip)) continue;
      if (!shown(n.parentElement)) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      for (const r of range.getClientRects()) if (r.width > 1 && r.height > 1) boxes.push({text, r, node: n});
    }
  }
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      if (boxes[i].node === boxes[j].node) continue;
      const hit = inter(boxes[i].r, boxes[j].r);
      if (hit) out.push(`page text ${q(boxes[i].text)} overlaps ${q(boxes[j].text)} by ${px(hit)}`);
    }
  // Headings, tile labels and values, captions and buttons cut short by their box (an ellipsis, or clipped).
  const cut = '[data-testid="stMetricValue"], [data-testid="stMetricLabel"], [data-testid="stMetricDelta"], ' +
              'h1, h2, h3, h4, [data-testid="stCaptionContainer"], button';
  if (main) for (const e of main.querySelectorAll(cut)) {
    if (!shown(e) || e.clientWidth === 0) continue;
    for (const x of [e, ...e.querySelectorAll('*')]) {
      const s = getComputedStyle(x);
      if (s.overflowX !== 'visible' && x.scrollWidth > x.clientWidth + 1) {
        out.push(`page text ${q(e.textContent.trim())} is cut off: ${x.scrollWidth} px in a ${x.clientWidth} px box`);
        break;
      }
    }
  }
  // 2. Each Plotly chart's SVG text: pairwise overlap, and none outside the chart's own SVG.
  document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot').forEach((plot, index) => {
    const svg = plot.querySelector('svg.main-svg');
    if (!svg) return;
    const frame = svg.getBoundingClientRect();
    const texts = [...plot.querySelectorAll('svg text')]
      .filter(t => !t.closest('.hoverlayer') && (t.textContent || '').trim() && shown(t))
      .map(t => ({text: t.textContent.trim(), r: t.getBoundingClientRect(), t}))
      .filter(x => x.r.width > 0 && x.r.height > 0);
    for (const x of texts) {
      const r = x.r;
      if (r.left < frame.left - 1 || r.right > frame.right + 1 || r.top < frame.top - 1 || r.bottom > frame.bottom + 1)
        out.push(`chart ${index}: ${q(x.text)} is cut off by the chart's edge (x ${Math.round(r.left - frame.left)}` +
                 `..${Math.round(r.right - frame.left)}, y ${Math.round(r.top - frame.top)}..` +
                 `${Math.round(r.bottom - frame.top)} in ${Math.round(frame.width)}×${Math.round(frame.height)} px)`);
    }
    for (let i = 0; i < texts.length; i++)
      for (let j = i + 1; j < texts.length; j++) {
        if (texts[i].t.contains(texts[j].t) || texts[j].t.contains(texts[i].t)) continue;
        const hit = inter(texts[i].r, texts[j].r);
        if (hit) out.push(`chart ${index}: ${q(texts[i].text)} overlaps ${q(texts[j].text)} by ${px(hit)}`);
      }
  });
  return out;
}"""

#: Facts a phone test also wants: the sidebar's state and the smallest chart title type size.
FACTS_JS = """() => {
  const sidebar = document.querySelector('[data-testid="stSidebar"]');
  const titles = [...document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot .gtitle')]
    .filter(t => (t.textContent || '').trim());
  const plots = [...document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')].map(p => {
    const drag = p.querySelector('.draglayer .nsewdrag');
    return {width: p.getBoundingClientRect().width, plotWidth: drag ? drag.getBoundingClientRect().width : null};
  });
  return {sidebarExpanded: sidebar ? sidebar.getAttribute('data-collapsed') === 'false' : null,
          sidebarWidth: sidebar ? sidebar.getBoundingClientRect().width : 0,
          titlePx: titles.map(t => parseFloat(getComputedStyle(t).fontSize)), plots};
}"""


def overflow(page: Any) -> list[str]:
    """What reaches past the viewport's sides (empty when the page fits the screen's width)."""
    return page.evaluate(OVERFLOW_JS, list(ALLOWED_SCROLLERS))


def overlaps(page: Any, tolerance: float = OVERLAP_TOLERANCE_PX) -> list[str]:
    """Pairs of overlapping texts (page text, and each chart's SVG text) and chart text cut off by its SVG."""
    return page.evaluate(OVERLAP_JS, tolerance)


def facts(page: Any) -> dict[str, Any]:
    return page.evaluate(FACTS_JS)
