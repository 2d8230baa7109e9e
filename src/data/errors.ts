/** What went wrong while reading (or writing) a dataset file. */
export type DatasetProblem =
  | 'missing-file'
  | 'missing-dir'
  | 'unreadable'
  | 'bad-gzip'
  | 'bad-magic'
  | 'bad-header'
  | 'truncated'
  | 'trailing-bytes'
  | 'bad-record-size'
  | 'label-out-of-range'
  | 'count-mismatch'
  /** a writer refused to replace a folder it did not write */
  | 'would-overwrite';

/**
 * A dataset file is missing or malformed. The message always starts with the file (or folder) path,
 * then says what is wrong: `"/data/train-labels-idx1-ubyte: label 12 at index 7 is out of range …"`.
 */
export class DatasetError extends Error {
  /** the file or folder the problem is about */
  readonly path: string;
  /** machine-readable kind of problem */
  readonly problem: DatasetProblem;

  constructor(path: string, problem: DatasetProblem, detail: string) {
    super(`${path}: ${detail}`);
    this.name = 'DatasetError';
    this.path = path;
    this.problem = problem;
  }
}
