import { css } from 'lit';

/**
 * Styles every view shares: cards, headings, tables, buttons. Only tokens from tokens.css appear
 * here, so the kiosk theme restyles views by overriding tokens.
 */
export const sharedStyles = css`
  :host {
    display: block;
    color: var(--communs-ink);
    font-family: var(--communs-font);
  }
  h2 {
    font-size: var(--communs-text-xl);
    margin: 0 0 var(--communs-space-m);
    line-height: 1.15;
  }
  h3 {
    font-size: var(--communs-text-l);
    margin: 0 0 var(--communs-space-s);
  }
  p {
    margin: 0 0 var(--communs-space-s);
  }
  /* a view's title row: the heading, and its live mark or controls on the right */
  .head {
    display: flex;
    flex-wrap: wrap;
    justify-content: space-between;
    align-items: baseline;
    gap: var(--communs-space-s);
  }
  .cards {
    display: grid;
    gap: var(--communs-space-m);
    grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr));
    margin-bottom: var(--communs-space-m);
  }
  .card {
    background: var(--communs-card);
    border: 1px solid var(--communs-line);
    border-radius: var(--communs-radius);
    padding: var(--communs-space-m);
  }
  .card + .card {
    margin-top: var(--communs-space-m);
  }
  .cards > .card + .card {
    margin-top: 0;
  }
  .muted {
    color: var(--communs-ink-muted);
  }
  .figure {
    font-size: var(--communs-text-xl);
    font-weight: 700;
    font-variant-numeric: tabular-nums;
  }
  table {
    border-collapse: collapse;
    width: 100%;
    font-size: var(--communs-text-s);
  }
  th,
  td {
    text-align: start;
    padding: var(--communs-space-xs) var(--communs-space-s);
    border-bottom: 1px solid var(--communs-line);
    vertical-align: top;
  }
  th.num,
  td.num {
    text-align: end;
    font-variant-numeric: tabular-nums;
  }
  .table-wrap {
    overflow-x: auto;
  }
  button,
  select,
  a.button {
    font: inherit;
    font-size: var(--communs-text-s);
    color: var(--communs-ink);
    background: var(--communs-card);
    border: 1px solid var(--communs-line);
    border-radius: var(--communs-radius);
    padding: var(--communs-space-xs) var(--communs-space-m);
    cursor: pointer;
    text-decoration: none;
    display: inline-block;
  }
  button[aria-pressed='true'] {
    background: var(--communs-accent);
    color: var(--communs-accent-ink);
    border-color: var(--communs-accent);
  }
  a {
    color: var(--communs-accent);
  }
  :focus-visible {
    outline: 3px solid var(--communs-focus);
    outline-offset: 2px;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
