/** Executors: a grid of cells run here (local) or as SLURM job arrays, and its status. */
export * from './cells';
export * from './local-executor';
export * from './slurm-executor';
