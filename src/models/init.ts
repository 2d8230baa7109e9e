import * as tf from '@tensorflow/tfjs';

/**
 * Hands out one seed per layer so that a model's initial weights are a pure function of one base seed.
 * With no base seed every initialiser is unseeded (tfjs draws fresh random numbers).
 */
export class SeedSequence {
  private next_ = 0;
  constructor(private readonly base?: number) {}

  /** the seed for the next initialiser, or undefined when the sequence is unseeded */
  next(): number | undefined {
    if (this.base === undefined) return undefined;
    // distinct, well-spread seeds per layer; alea (tfjs' PRNG) hashes the value, so simple offsets suffice
    return this.base * 1000 + 17 * ++this.next_;
  }

  /** He/Kaiming normal, fan-in (TRADES SmallCNN conv init: `kaiming_normal_`) */
  heNormal(): ReturnType<typeof tf.initializers.varianceScaling> {
    return tf.initializers.varianceScaling({ scale: 2, mode: 'fanIn', distribution: 'normal', seed: this.next() });
  }

  /** He/Kaiming normal, fan-out (WideResNet conv init: `normal_(0, sqrt(2 / (k·k·out)))`) */
  heNormalFanOut(): ReturnType<typeof tf.initializers.varianceScaling> {
    return tf.initializers.varianceScaling({ scale: 2, mode: 'fanOut', distribution: 'normal', seed: this.next() });
  }

  /** U(±1/√fan_in): PyTorch's default `nn.Linear` weight init */
  linearDefault(): ReturnType<typeof tf.initializers.varianceScaling> {
    return tf.initializers.varianceScaling({ scale: 1 / 3, mode: 'fanIn', distribution: 'uniform', seed: this.next() });
  }
}
