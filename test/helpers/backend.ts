import * as tf from '@tensorflow/tfjs';

/** Every test file calls this first. Selects the backend the tests run on (MAT_TEST_BACKEND, default cpu). */
export async function useTestBackend(): Promise<string> {
  const name = process.env.MAT_TEST_BACKEND ?? 'cpu';
  await tf.setBackend(name);
  await tf.ready();
  return tf.getBackend();
}
