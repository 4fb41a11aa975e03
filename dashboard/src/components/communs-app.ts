import { css, html, LitElement, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { LocaleController } from '../controllers/locale-controller.ts';
import { fetchServedBuild, runningBuild } from '../data/build.ts';
import { type MessageKey, msg } from '../i18n/localize.ts';
import { matchRoute, pathOf, type Route, VIEWS, type ViewName } from '../model/route.ts';
import { sharedStyles } from '../styles/shared-styles.ts';
import './communs-clock-warning.ts';
import './communs-lang-switch.ts';
// Now is the page most people open first, on any phone: it comes with the page. The other views
// load when their route is first shown, so a slow phone does not wait for them (docs/PERFORMANCE.md).
import './communs-now-view.ts';

const LAZY_VIEWS = {
  history: () => import('./communs-history-view.ts'),
  environment: () => import('./communs-environment-view.ts'),
  nodes: () => import('./communs-nodes-view.ts'),
  register: () => import('./communs-register-view.ts'),
  footprint: () => import('./communs-footprint-view.ts'),
  household: () => import('./communs-household-view.ts'),
  screen: () => import('./communs-screen-view.ts'),
} as const;

function lazyViewOf(r: Route): keyof typeof LAZY_VIEWS | null {
  if (r.kind === 'household' || r.kind === 'screen') return r.kind;
  if (r.kind === 'view' && r.view !== 'now') return r.view;
  return null;
}

/**
 * The page: banner, navigation, the current view in `main`, and a footer that states the privacy
 * promise. Routing uses the History API; the hub answers every such path with this page.
 */
@customElement('communs-app')
export class CommunsApp extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .skip {
        position: absolute;
        inset-inline-start: -999px;
      }
      .skip:focus {
        inset-inline-start: var(--communs-space-m);
        top: var(--communs-space-m);
        background: var(--communs-card);
        padding: var(--communs-space-s);
        z-index: 1;
      }
      header,
      nav,
      main,
      footer {
        max-width: var(--communs-max-width);
        margin: 0 auto;
        padding: 0 var(--communs-space-m);
      }
      header {
        display: flex;
        flex-wrap: wrap;
        justify-content: space-between;
        align-items: center;
        gap: var(--communs-space-s);
        padding-top: var(--communs-space-m);
      }
      h1 {
        font-size: var(--communs-text-l);
        margin: 0;
      }
      .tagline {
        margin: 0;
        color: var(--communs-ink-muted);
        font-size: var(--communs-text-s);
      }
      nav ul {
        display: flex;
        flex-wrap: wrap;
        gap: var(--communs-space-xs) var(--communs-space-m);
        list-style: none;
        padding: var(--communs-space-s) 0;
        margin: 0 0 var(--communs-space-m);
        border-bottom: 1px solid var(--communs-line);
      }
      nav a {
        color: var(--communs-ink);
        text-decoration: none;
        padding: var(--communs-space-xs) 0;
        border-bottom: 3px solid transparent;
      }
      nav a[aria-current='page'] {
        border-bottom-color: var(--communs-accent);
        font-weight: 700;
      }
      main:focus {
        outline: none;
      }
      footer {
        margin-top: var(--communs-space-l);
        padding-bottom: var(--communs-space-l);
        color: var(--communs-ink-muted);
        font-size: var(--communs-text-s);
      }
    `,
  ];

  @state() private route: Route = matchRoute(location.pathname);
  /**
   * The lazy views whose module has loaded. A view is rendered only then: an element upgraded after
   * its properties were set would start its loads in connectedCallback without them (a household
   * page without its token, a screen without its pace).
   */
  @state() private loaded = new Set<string>();
  @query('main') private mainEl!: HTMLElement;
  // Held for its side effect: re-render this element when the language changes.
  protected readonly locale = new LocaleController(this);

  private readonly onPopState = () => {
    this.route = matchRoute(location.pathname);
  };

  // Links inside shadow roots are followed here without reloading the page.
  private readonly onClick = (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = e.composedPath().find((n): n is HTMLAnchorElement => n instanceof HTMLAnchorElement);
    if (!a || a.hasAttribute('download') || a.target || a.origin !== location.origin) return;
    if (a.pathname.startsWith('/api/')) return;
    e.preventDefault();
    if (a.pathname !== location.pathname || a.search !== location.search) history.pushState(null, '', a.href);
    this.route = matchRoute(location.pathname);
    void this.updateComplete.then(() => this.mainEl?.focus());
  };

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('popstate', this.onPopState);
    this.addEventListener('click', this.onClick);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('popstate', this.onPopState);
    this.removeEventListener('click', this.onClick);
  }

  private pageTitle(): string {
    const r = this.route;
    if (r.kind === 'view') return msg(`nav.${r.view}` as MessageKey);
    if (r.kind === 'screen') return msg('screen.title');
    if (r.kind === 'household') return msg('household.private');
    return msg('notFound.title');
  }

  // a Map keyed by name: `route` is private, so PropertyValues<this> does not list it
  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('route')) this.loadView(this.route);
  }

  /**
   * Loads the route's view module. A page left open across an upgrade of the hub asks for a file
   * the new build no longer has: it reloads to the new build instead of showing nothing.
   */
  private loadView(r: Route): void {
    const view = lazyViewOf(r);
    if (!view || this.loaded.has(view)) return;
    LAZY_VIEWS[view]()
      .then(() => {
        this.loaded = new Set(this.loaded).add(view);
      })
      .catch(async () => {
        const served = await fetchServedBuild();
        if (served && served !== runningBuild()) location.reload();
      });
  }

  protected override updated(): void {
    document.title = `${this.pageTitle()} · ${msg('app.name')}`;
  }

  private renderView() {
    const r = this.route;
    const lazy = lazyViewOf(r);
    if (lazy && !this.loaded.has(lazy)) return html`<p class="muted" role="status">${msg('loading')}</p>`;
    if (r.kind === 'household')
      return html`<communs-household-view .token=${r.token}></communs-household-view>`;
    if (r.kind === 'not-found') {
      return html`<h2>${msg('notFound.title')}</h2>
        <p><a href="/">${msg('notFound.body')}</a></p>`;
    }
    if (r.kind !== 'view') return nothing;
    switch (r.view) {
      case 'now':
        return html`<communs-now-view></communs-now-view>`;
      case 'history':
        return html`<communs-history-view routed></communs-history-view>`;
      case 'environment':
        return html`<communs-environment-view></communs-environment-view>`;
      case 'nodes':
        return html`<communs-nodes-view></communs-nodes-view>`;
      case 'register':
        return html`<communs-register-view></communs-register-view>`;
      case 'footprint':
        return html`<communs-footprint-view></communs-footprint-view>`;
    }
  }

  private renderNav() {
    const current: ViewName | null = this.route.kind === 'view' ? this.route.view : null;
    return html`<nav aria-label=${msg('app.nav')}>
      <ul>
        ${VIEWS.map(
          (v) =>
            html`<li>
              <a href=${pathOf(v)} aria-current=${v === current ? 'page' : 'false'}>${msg(`nav.${v}` as MessageKey)}</a>
            </li>`,
        )}
        <li><a href="/screen">${msg('nav.screen')}</a></li>
      </ul>
    </nav>`;
  }

  override render() {
    if (this.route.kind === 'screen') {
      if (!this.loaded.has('screen')) return html`<main><p role="status">${msg('loading')}</p></main>`;
      const every = Number(new URLSearchParams(location.search).get('every')) || 20;
      return html`<main><communs-screen-view .every=${every}></communs-screen-view></main>`;
    }
    // the skip link opens the banner landmark, so every piece of the page sits in a landmark
    return html`<header>
        <a
          class="skip"
          href="#main"
          @click=${(e: Event) => {
            e.preventDefault();
            this.mainEl?.focus();
          }}
          >${msg('app.skip')}</a
        >
        <div>
          <h1>${msg('app.name')}</h1>
          <p class="tagline">${msg('app.tagline')}</p>
        </div>
        <communs-lang-switch></communs-lang-switch>
      </header>
      ${this.renderNav()}
      <main id="main" tabindex="-1">
        <communs-clock-warning></communs-clock-warning>
        ${this.renderView()}
      </main>
      <footer>${msg('app.footer')}</footer>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'communs-app': CommunsApp;
  }
}
