/** The L∞ threat model beneath losses and attacks: one budget type, one projection, one PGD loop. */
export { clipToBox, linfBox, projectToLinfBall, type LinfBudget } from './linf-ball';
export { checkLinfPgd, linfPgd, LINF_STARTS, type LinfPgdOptions, type LinfStart } from './linf-pgd';
export { outsideGradientTape } from './outside-tape';
