"""A visible "Copy citation" button: one small inline component, no outside assets (offline).

Streamlit's code box only shows its copy icon on hover (never on a phone). This is a plain button
drawn by Streamlit's own inline components (`st.components.v2`): the text goes in as data and is
only ever set with `textContent`/`value`, never parsed as HTML. It copies with the Clipboard API
where the browser allows it (HTTPS or localhost) and falls back to selecting a hidden text box
and `document.execCommand('copy')` (plain HTTP on an intranet address), then says so in words.
"""

from __future__ import annotations

from typing import Any

from streamlit.components.v2 import component as register_component

COPIED = "Copied"
FAILED = "Copy blocked by the browser: select the text below"

_CSS = """
button {
  display: inline-flex; align-items: center; gap: 0.4rem; min-height: 2.5rem;
  padding: 0.25rem 0.85rem; border-radius: 0.5rem; cursor: pointer;
  font: inherit; font-size: 0.95rem; line-height: 1.4;
  color: var(--st-text-color, #31333f);
  background: var(--st-background-color, #ffffff);
  border: 1px solid var(--st-border-color, rgba(49, 51, 63, 0.2));
}
button:hover { border-color: var(--st-primary-color, #1c5d99);
  color: var(--st-primary-color, #1c5d99); }
button:focus-visible { outline: 2px solid var(--st-primary-color, #1c5d99);
  outline-offset: 2px; }
button[data-state="copied"] { border-color: #1e7b34; color: #1e7b34; }
button[data-state="failed"] { border-color: #a33b00; color: #a33b00; }
svg { width: 1.1rem; height: 1.1rem; fill: currentColor; flex: none; }
"""

# an inline SVG copy icon (no icon font: nothing is fetched)
_ICON = (
    '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M16 1H4a2 2 0 0 0-2 2v14h2V3h12V1zm3 '
    '4H8a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h11a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2zm0 16H8V7h11v14z"/>'
    "</svg>"
)

_JS = """
const fallback = (text) => {
  const box = document.createElement('textarea');
  box.value = text;
  box.setAttribute('readonly', '');
  box.style.position = 'fixed';
  box.style.opacity = '0';
  document.body.appendChild(box);
  box.select();
  let ok = false;
  try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
  box.remove();
  return ok;
};

export default function (component) {
  const { data, parentElement } = component;
  let button = parentElement.querySelector('button');
  if (!button) {
    button = document.createElement('button');
    button.type = 'button';
    button.innerHTML = '__ICON__<span></span>';
    parentElement.appendChild(button);
    button.addEventListener('click', async () => {
      const text = button.__text || '';
      let ok = false;
      if (navigator.clipboard && window.isSecureContext) {
        try { await navigator.clipboard.writeText(text); ok = true; } catch (e) { ok = false; }
      }
      if (!ok) ok = fallback(text);
      button.dataset.state = ok ? 'copied' : 'failed';
      button.querySelector('span').textContent = ok ? button.__copied : button.__failed;
      clearTimeout(button.__timer);
      button.__timer = setTimeout(() => {
        button.dataset.state = '';
        button.querySelector('span').textContent = button.__label;
      }, 4000);
    });
  }
  button.__text = data.text;
  button.__label = data.label;
  button.__copied = data.copied;
  button.__failed = data.failed;
  button.setAttribute('aria-label', data.label);
  if (!button.dataset.state) button.querySelector('span').textContent = data.label;
}
""".replace("__ICON__", _ICON)

_COMPONENT: Any = None


def _component() -> Any:
    """Registered once per process (a second registration under the name only logs a warning)."""
    global _COMPONENT
    if _COMPONENT is None:
        _COMPONENT = register_component("radonc_copy_button", css=_CSS, js=_JS)
    return _COMPONENT


def copy_button(text: str, *, key: str, label: str = "Copy citation") -> None:
    """A button that puts `text` on the clipboard and says "Copied" (nothing goes to the server)."""
    _component()(
        key=key,
        data={"text": text, "label": label, "copied": f"{COPIED} ✓", "failed": FAILED},
        width="content",
    )
