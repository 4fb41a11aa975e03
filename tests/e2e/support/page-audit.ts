/**
 * Functions that run inside the page (passed to page.evaluate, so self-contained): they read what a
 * resident sees on the shared screen, across shadow roots.
 */

export interface ScreenAudit {
  view: string;
  /** the smallest visible text on screen, in CSS pixels, and an example of it */
  smallest: { px: number; text: string } | null;
  /** visible text that does not fit inside the stage (cut off by the screen's edge) */
  outside: string[];
  /** visible text that spills out of its card's content box sideways (over its padding or border) */
  spills: string[];
  /** the stage's height and how much of it, from the bottom, the view leaves empty */
  stageHeight: number;
  emptyBelow: number;
  /** the font size of chart axis labels, for views with a chart */
  axisPx: number[];
  buttons: number;
}

export function auditScreen(): ScreenAudit {
  const app = document.querySelector('communs-app')?.shadowRoot;
  const screen = app?.querySelector('communs-screen-view');
  const root = screen?.shadowRoot;
  const stage = root?.querySelector('.stage');
  if (!screen || !root || !stage) throw new Error('no shared screen on this page');
  const stageRect = stage.getBoundingClientRect();
  const hiddenByClip = (el: Element | null): boolean => {
    for (let a: Element | null = el; a; ) {
      const s = getComputedStyle(a);
      if (s.clipPath !== 'none' && s.clipPath !== '') return true;
      const parent: Node | null = a.parentNode;
      a = parent instanceof ShadowRoot ? parent.host : parent instanceof Element ? parent : null;
    }
    return false;
  };
  let smallest: { px: number; text: string } | null = null;
  const outside: string[] = [];
  const spills: string[] = [];
  const cardOf = (el: Element | null): Element | null => {
    for (let a: Element | null = el; a; ) {
      if (a.classList.contains('card')) return a;
      const parent: Node | null = a.parentNode;
      a = parent instanceof ShadowRoot ? parent.host : parent instanceof Element ? parent : null;
    }
    return null;
  };
  let buttons = 0;
  const axisPx: number[] = [];
  let contentBottom = stageRect.top;
  const walk = (node: Node, inStage: boolean) => {
    if (node instanceof Element) {
      if (node.tagName === 'BUTTON') buttons++;
      if (node.tagName === 'COMMUNS-CHART' && node.checkVisibility()) {
        axisPx.push(Number((node as HTMLElement).dataset.axisPx));
      }
      // the bar chart's axis and bar labels are text in its shadow root
      if (node.tagName === 'COMMUNS-BAR-CHART' && node.checkVisibility()) {
        for (const part of node.shadowRoot?.querySelectorAll('.axis, .labels') ?? []) {
          axisPx.push(Number.parseFloat(getComputedStyle(part).fontSize));
        }
      }
      if (inStage && node.classList.contains('card') && node.checkVisibility()) {
        contentBottom = Math.max(contentBottom, node.getBoundingClientRect().bottom);
      }
      if (node.shadowRoot) walk(node.shadowRoot, inStage);
    }
    if (node.nodeType === Node.TEXT_NODE && node.textContent?.trim()) {
      const el = node.parentElement;
      if (!el?.checkVisibility({ checkVisibilityCSS: true }) || hiddenByClip(el)) return;
      const range = document.createRange();
      range.selectNodeContents(node);
      const r = range.getBoundingClientRect();
      if (r.width < 2 || r.height < 2) return;
      const px = Number.parseFloat(getComputedStyle(el).fontSize);
      const text = node.textContent.trim().slice(0, 60);
      if (!smallest || px < smallest.px) smallest = { px, text };
      if (
        inStage &&
        (r.bottom > stageRect.bottom + 1 || r.right > stageRect.right + 1 || r.left < stageRect.left - 1)
      ) {
        outside.push(text);
      }
      const card = inStage ? cardOf(el) : null;
      if (card) {
        const c = card.getBoundingClientRect();
        const cs = getComputedStyle(card);
        const left = c.left + Number.parseFloat(cs.borderLeftWidth) + Number.parseFloat(cs.paddingLeft);
        const right = c.right - Number.parseFloat(cs.borderRightWidth) - Number.parseFloat(cs.paddingRight);
        if (r.right > right + 1 || r.left < left - 1) spills.push(text);
      }
    }
    for (const child of node.childNodes) walk(child, inStage || child === stage);
  };
  walk(root, false);
  return {
    view: screen.getAttribute('data-view') ?? '',
    smallest,
    outside,
    spills,
    stageHeight: stageRect.height,
    emptyBelow: stageRect.bottom - contentBottom,
    axisPx,
    buttons,
  };
}
