/** The threat models beneath losses and attacks: L∞ and L2 balls ∩ [0, 1], one projection per norm, one PGD loop. */
export { clipToBox, linfBox, projectToLinfBall, type LinfBudget } from './linf-ball';
export { projectToL2Ball, type L2Budget } from './l2-ball';
export { l2Ball, linfBall, normBall, NORMS, projectToBall, type Norm, type NormBall } from './norm-ball';
export { checkLinfPgd, linfPgd, LINF_STARTS, type LinfPgdOptions, type LinfStart } from './linf-pgd';
export { outsideGradientTape } from './outside-tape';
export { hyperplaneStep } from './hyperplane';
