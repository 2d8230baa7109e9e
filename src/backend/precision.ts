/**
 * The float32 precision policy: whether GPU convolutions and matrix products may round their float32 inputs
 * to TF32 (10-bit mantissa; cuDNN and cuBLAS on Ampere and later). libtorch lets cuDNN do it by default,
 * silently; here it is chosen (MAT_PRECISION or the CLI's --precision) and recorded in every results file
 * (BackendInfo.precision, part of the provenance).
 *
 * Default fp32, for training and evaluation alike: attack gradients are the evaluation's measuring instrument
 * and must be the model's exact float32 gradients (a robustness number should not depend on the GPU generation),
 * and training in fp32 keeps CPU and GPU runs of one configuration comparable. tf32 is an explicit opt-in for
 * training throughput (PyTorch measured ≈ 2.9× on WRN-34-10 on an H200, issue 20); CPU backends ignore it.
 */
export const PRECISIONS = ['fp32', 'tf32'] as const;
export type Precision = (typeof PRECISIONS)[number];

export const DEFAULT_PRECISION: Precision = 'fp32';

export function parsePrecision(value: string, source: string): Precision {
  if ((PRECISIONS as readonly string[]).includes(value)) return value as Precision;
  throw new RangeError(`${source}: unknown precision '${value}' (choose one of ${PRECISIONS.join(', ')})`);
}

/** The precision asked for: `explicit`, else MAT_PRECISION, else the default. */
export function requestedPrecision(explicit?: Precision): Precision {
  if (explicit) return explicit;
  const env = process.env.MAT_PRECISION;
  return env ? parsePrecision(env, 'MAT_PRECISION') : DEFAULT_PRECISION;
}

/** What a run records: the policy, and on torch what ATen's switches say after it was applied. */
export interface PrecisionInfo {
  mode: Precision;
  /** ATen's global TF32 switches (torch backends only; they only act on CUDA) */
  tf32?: { cudnn: boolean; cublas: boolean };
  /** where the mode has no effect, why */
  note?: string;
}
