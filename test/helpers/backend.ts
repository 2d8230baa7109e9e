import * as tf from '@tensorflow/tfjs';
import { initBackend, parseBackendName } from '../../src/backend';

/**
 * Every test file calls this first. Selects the backend the tests run on (MAT_TEST_BACKEND, default cpu).
 * tfjs' own names (cpu, wasm) are set directly; ours that need registering (torch) go through initBackend.
 */
export async function useTestBackend(): Promise<string> {
  const name = process.env.MAT_TEST_BACKEND ?? 'cpu';
  if (name.startsWith('torch')) await initBackend({ prefer: parseBackendName(name, 'MAT_TEST_BACKEND') });
  else await tf.setBackend(name);
  await tf.ready();
  return tf.getBackend();
}
