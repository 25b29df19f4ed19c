// Citation links in answers open the source panel. Gradio strips scripts and event attributes from chat
// messages, so one listener on the document catches clicks on our links (href="#qa-cite-..." or
// "#qa-source-..."), hands the link to the server through a hidden textbox and button, and scrolls the
// panel to the highlighted sentence once the server has drawn it.
(() => {
  const LINK = 'a[href^="#qa-cite-"], a[href^="#qa-source-"]';

  function openLink(href) {
    const box = document.querySelector('#qa-link textarea, #qa-link input');
    const button = document.querySelector('#qa-open');
    if (!box || !button) return;
    box.value = href.slice(1);
    box.dispatchEvent(new Event('input', { bubbles: true }));
    button.click();
  }

  document.addEventListener('click', (event) => {
    const link = event.target.closest && event.target.closest(LINK);
    if (!link) return;
    event.preventDefault();
    event.stopPropagation();
    openLink(link.getAttribute('href'));
  }, true);

  // Scroll the article's own box to the highlighted sentence (not the page: the chat stays where it is), and
  // bring the panel into view only when it is off screen (narrow windows stack it under the chat).
  function scrollToSupport(panel) {
    const box = panel.querySelector('.qa-article-text');
    if (!box) return;
    const mark = box.querySelector('#qa-first-support') || box.querySelector('mark');
    if (mark) box.scrollTop = Math.max(0, mark.offsetTop - box.clientHeight / 3);
    const top = panel.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight) panel.scrollIntoView({ block: 'start' });
  }

  function watchPanel() {
    const panel = document.querySelector('#qa-source-panel');
    if (!panel) return false;
    new MutationObserver(() => scrollToSupport(panel)).observe(panel, { childList: true, subtree: true });
    return true;
  }

  if (!watchPanel()) {
    const waiting = new MutationObserver(() => { if (watchPanel()) waiting.disconnect(); });
    waiting.observe(document.documentElement, { childList: true, subtree: true });
  }
})();
