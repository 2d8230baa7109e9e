/**
 * The defenses (table rows) of the paper's Tables 2–5, as the method registry defines them (src/methods/:
 * each method file lists its rows with the Defense text and the SO / BIBO markers). MAT variants are
 * named by the auxiliary losses they add to FTC (Eq. 9): 'mat' = FTC only, 'mat-so' = FTC+SO,
 * 'mat-bibo' = FTC+BIBO, 'mat-so-bibo' = the total loss.
 */
import { METHOD_ROWS, type Marker, type RowKey } from '../methods';

export type DefenseKey = RowKey;
export type { Marker };

export interface DefenseRow {
  /** text of the Defense column */
  readonly defense: string;
  readonly so: Marker;
  readonly bibo: Marker;
}

export const DEFENSES: Readonly<Record<DefenseKey, DefenseRow>> = METHOD_ROWS;
