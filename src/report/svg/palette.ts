/** Colour-blind-friendly series colours (Okabe–Ito), cycled for configuration overlays. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

export const OK = '#009E73';
export const ERROR = '#D55E00';
export const OFFERED = '#7f8c99';

export function colour(i: number): string {
  return PALETTE[i % PALETTE.length] ?? '#000000';
}
