import { createHash } from 'node:crypto';

/**
 * The page's only script: legend buttons toggle their series. It is allowed by its hash in the CSP,
 * so nothing else — an injected <script> or on* attribute — could run even if escaping failed.
 */
export const SCRIPT = `document.addEventListener('click',function(e){var b=e.target instanceof Element?e.target.closest('button.key'):null;if(!b)return;var f=b.closest('figure');var on=b.getAttribute('aria-pressed')!=='true';b.setAttribute('aria-pressed',String(on));f.querySelectorAll('g.series[data-series="'+b.getAttribute('data-series')+'"]').forEach(function(g){g.classList.toggle('off',!on)})});`;

export const SCRIPT_HASH = `sha256-${createHash('sha256').update(SCRIPT).digest('base64')}`;

/** No fetch, no frame, no external anything: the report works offline and leaks nothing when opened. */
export const CSP = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src '${SCRIPT_HASH}'; base-uri 'none'; form-action 'none'`;
