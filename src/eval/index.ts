export * from '../models/predict';
export {
  evaluationPlan,
  planDefaults,
  planSteps,
  epsilonLabel,
  type AttackStepSpec,
  type CascadeMode,
  type EvaluationPlan,
  type PlanOptions,
} from './plan';
export { ROBUST, BROKEN, SKIPPED, PENDING, countCode, indicesWith, type SampleCode } from './sample-codes';
export { attackBatch, runStepAttack, runTaskOnBatch, type EvalModel, type EvalTask, type TaskResult } from './batch-task';
export { inProcessExecutor, workerPoolExecutor, runTaskOnIndices, type EvalExecutor, type WorkerPoolOptions } from './executor';
export { binomialStd, differenceNoiseBound, meanAndMedian } from './stats';
export { accuracyInterval, wilsonInterval, type ProportionInterval } from './binomial-interval';
export {
  dataFingerprint,
  readEvalResults,
  summarize,
  type EvalResults,
  type EvalSession,
  type EvalSummary,
  type FixedStepSummary,
  type MinimizationSummary,
  type StepRecord,
} from './results';
export {
  runSanityChecks,
  sanityDefaults,
  sanityIndices,
  sanitySpec,
  type SanityCheck,
  type SanityCheckId,
  type SanityContext,
  type SanityOptions,
  type SanityReport,
  type SanitySpec,
} from './sanity';
export { evaluate, finishedSteps, type EvalProgress, type EvaluateOptions } from './evaluate';
export { evaluateRun, evalFileName, runMethodSettings, type RunEvalOptions } from './run-eval';
