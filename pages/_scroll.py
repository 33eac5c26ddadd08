"""Bring a just-drawn element (a new turn, an opened card) to the top of the chat's view."""

from __future__ import annotations

import re

import streamlit as st

# Streamlit's chat keeps its scroll box pinned to the bottom while content grows, and re-pins it
# when a scroll arrives with a height change. So: wait for the run to be drawn, tell the box a
# user scrolled (a wheel event unpins it, as a real wheel would), scroll, and repeat until the
# element has stayed in place for a few checks (or the box cannot scroll further).
_SCROLL_JS = """
(() => {
  const t0 = Date.now();
  let still = 0;
  // a newer request (the coder clicked on while this one was still settling) wins: two loops
  // pulling the box towards two elements would never settle
  const me = (window.__radoncScrollGen = (window.__radoncScrollGen || 0) + 1);
  // and so does the coder: a real wheel, touch, key or click stops a request still settling
  // (under load that can take a second or two), instead of pulling the view back
  if (!window.__radoncUserStops) {
    window.__radoncUserStops = true;
    for (const type of ['wheel', 'touchstart', 'keydown', 'mousedown']) {
      document.addEventListener(type, (e) => {
        if (e.isTrusted) window.__radoncScrollGen = (window.__radoncScrollGen || 0) + 1;
      }, {capture: true, passive: true});
    }
  }
  // tests wait on this count instead of sleeping
  const done = () => { window.__radoncScrolls = (window.__radoncScrolls || 0) + 1; };
  const tick = () => {
    if (Date.now() - t0 > 20000 || window.__radoncScrollGen !== me) return;
    const app = document.querySelector('[data-testid="stApp"]');
    const el = document.querySelector(__SELECTOR__);
    if (!el || app?.getAttribute('data-test-script-state') === 'running') {
      still = 0; setTimeout(tick, 50); return;
    }
    const box = document.querySelector('[data-testid="stAppScrollToBottomContainer"]');
    if (!box) { el.scrollIntoView({block: 'start'}); done(); return; }
    const header = document.querySelector('[data-testid="stHeader"]');
    const top = Math.max(box.getBoundingClientRect().top,
                         header ? header.getBoundingClientRect().bottom : 0) + 8;
    const max = box.scrollHeight - box.clientHeight;
    const want = Math.max(0, Math.min(max, box.scrollTop + el.getBoundingClientRect().top - top));
    if (Math.abs(want - box.scrollTop) > 2) {
      box.dispatchEvent(new WheelEvent('wheel', {bubbles: true, deltaY: -1}));
      box.scrollTop = want;
      still = 0;
    } else {
      still += 1;
    }
    if (still < 6) setTimeout(tick, 50); else done();
  };
  tick();
})();
"""


def scroll_into_view(key: str, nonce: str) -> None:
    """Once this run is drawn, bring the element with Streamlit key `key` to the top of the view.

    Streamlit keeps a chat pinned to its bottom; a coder reads an answer from its top, so a new
    turn (or an opened card) is scrolled to instead. `nonce` makes each request a new element,
    so the browser runs it even when the key is the same as before. `key` is an app-made id.
    """
    selector = ".st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())  # Streamlit's own class
    st.html(
        f"""<span class="radonc-scroll" data-nonce="{nonce}"></span><script>
{_SCROLL_JS.replace("__SELECTOR__", repr(selector))}
</script>""",
        unsafe_allow_javascript=True,
    )
