/**
 * The pipeline layer shared by the notebooks and the CLI (`mat reproduce`, `mat analyze`): compute
 * profiles, the paper's table rows as training configurations, cached steps (train → evaluate →
 * analyse features) keyed by their full configuration, and the tables / figures built from their results.
 */
export * from './profiles';
export * from './rows';
export * from './cache';
export * from './plan';
export * from './knobs';
export * from './run-variant';
export * from './results-root';
export * from './progress';
export * from './train-step';
export * from './eval-suites';
export * from './evaluate-step';
export * from './feature-step';
export * from './report';
export * from './reproduce';
export * from './ablation';
export * from './reproduction-doc';
export * from './tour';
export * from './notebook-setup';
export * from './narrative';
export * from './notebook-parameters';
export * from './executor';
