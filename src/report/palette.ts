/**
 * Series colours: Tableau 10, picked to stay apart from each other, so ten repeated runs overlaid on
 * one chart are ten colours a person can tell apart (and the legend toggles any of them).
 */
export const PALETTE = ['#4E79A7', '#F28E2B', '#59A14F', '#E15759', '#76B7B2', '#EDC948', '#B07AA1', '#FF9DA7', '#9C755F', '#79706E'];

export const OK = '#009E73';
export const ERROR = '#D55E00';
export const OFFERED = '#7f8c99';

export function colour(i: number): string {
  return PALETTE[i % PALETTE.length] ?? '#000000';
}

/** Line dash per configuration in an overlay (solid, dashed, dotted…): runs keep their own colour. */
export function dashOf(group: number): number[] | undefined {
  return [undefined, [6, 4], [2, 3], [10, 3, 2, 3]][group % 4];
}
