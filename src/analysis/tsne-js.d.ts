// Minimal typings for tsne-js 1.0.3 (the package ships none). Only what src/analysis/tsne.ts uses.
declare module 'tsne-js' {
  import { EventEmitter } from 'events';
  interface TsneConfig {
    dim?: number;
    perplexity?: number;
    earlyExaggeration?: number;
    learningRate?: number;
    nIter?: number;
    metric?: 'euclidean' | 'manhattan' | 'jaccard' | 'dice';
  }
  class TSNE extends EventEmitter {
    constructor(config?: TsneConfig);
    init(opts: { data: number[][]; type?: 'dense' | 'sparse' }): void;
    /** returns [final KL divergence, last iteration index] */
    run(): [number, number];
    getOutput(): number[][];
    getOutputScaled(): number[][];
  }
  export = TSNE;
}
