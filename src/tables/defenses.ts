/**
 * The defenses (table rows) of the paper's Tables 2–5. MAT variants are named by the auxiliary
 * losses they add to FTC (Eq. 9): 'mat' = FTC only, 'mat-so' = FTC+SO, 'mat-bibo' = FTC+BIBO,
 * 'mat-so-bibo' = the total loss.
 */
export type DefenseKey = 'natural' | 'at' | 'trades' | 'mmc' | 'mat' | 'mat-bibo' | 'mat-so' | 'mat-so-bibo';

/** The paper's markers: 'O' = loss used, 'X' = not used, '-' = not applicable. */
export type Marker = 'O' | 'X' | '-';

export interface DefenseRow {
  /** text of the Defense column */
  readonly defense: string;
  readonly so: Marker;
  readonly bibo: Marker;
}

export const DEFENSES: Readonly<Record<DefenseKey, DefenseRow>> = {
  natural: { defense: 'Natural', so: '-', bibo: '-' },
  at: { defense: 'AT', so: '-', bibo: '-' },
  // TRADES' KL term is BIBO-like (paper footnote 1), hence 'O'
  trades: { defense: 'TRADES', so: '-', bibo: 'O' },
  mmc: { defense: 'MMC', so: '-', bibo: '-' },
  mat: { defense: 'MAT', so: 'X', bibo: 'X' },
  'mat-bibo': { defense: 'MAT', so: 'X', bibo: 'O' },
  'mat-so': { defense: 'MAT', so: 'O', bibo: 'X' },
  'mat-so-bibo': { defense: 'MAT', so: 'O', bibo: 'O' },
};
