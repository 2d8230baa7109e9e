/**
 * A synthetic stand-in for CIFAR-10 in the archive's exact binary layout, for machines that cannot download
 * the real one (CI, the smoke profile): a `cifar-10-batches-bin` folder with data_batch_1..5.bin,
 * test_batch.bin and batches.meta.txt that the CIFAR-10 loader reads like the real thing. Its images are
 * not CIFAR-10: each class has its own colour and stripe orientation under per-image noise, so a model
 * learns something in a few steps — enough to exercise every step of the pipeline, never a result.
 *
 * The folder also holds a marker file (not part of the real archive) saying it is synthetic and how it was
 * made; the writer replaces a folder only when that marker is there, so a real download (or anything else)
 * is never overwritten.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  CIFAR10_FILES, CIFAR10_FOLDER, CIFAR10_META_FILE, CIFAR10_SIDE, writeCifar10Files, type CifarRecord,
} from './cifar10';
import { DatasetError } from './errors';
import { createRng, gaussian, mixSeeds, shuffleIndices, type Rng } from './rng';

/** The marker file a synthetic folder carries (the real archive has no such file). */
export const SYNTHETIC_CIFAR10_MARKER = 'mat-synthetic-cifar10.json';
const MARKER_KIND = 'mat-synthetic-cifar10';

export interface SyntheticCifar10Options {
  /** records in each of data_batch_1..5.bin (default 100: 500 training images) */
  perTrainBatch?: number;
  /** records in test_batch.bin (default 100) */
  testCount?: number;
  /** seed of labels, noise and stripe phases (default 0) */
  seed?: number;
}

/**
 * Default size: covers every subset of the smoke profile's CIFAR-10 budget (its test checks this) and stays
 * small (600 records, 1.8 MB).
 */
export const SYNTHETIC_CIFAR10_DEFAULTS: Readonly<Required<SyntheticCifar10Options>> = { perTrainBatch: 100, testCount: 100, seed: 0 };

/** What the marker records: enough to regenerate the folder byte for byte. */
export interface SyntheticCifar10Marker extends Required<SyntheticCifar10Options> {
  kind: typeof MARKER_KIND;
  note: string;
}

// Class signal, in grey levels: a colour offset (hue 36° apart per class), stripes whose orientation is
// the class's, per-image brightness and per-pixel noise. The mean colour alone separates the classes, so
// even a few optimizer steps move a model above chance; the noise keeps single pixels ambiguous.
const COLOUR_AMPLITUDE = 36;
const STRIPE_AMPLITUDE = 32;
const BRIGHTNESS_SD = 12;
const NOISE_SD = 40;

/** One synthetic record of class `label` (0..9). */
export function syntheticCifarRecord(label: number, rng: Rng): CifarRecord {
  const hue = (2 * Math.PI * label) / 10;
  const colour = [0, 1, 2].map((c) => COLOUR_AMPLITUDE * Math.cos(hue - (2 * Math.PI * c) / 3));
  const angle = (Math.PI * label) / 10;
  const cycles = 2 + (label % 3); // stripes per image width
  const phase = 2 * Math.PI * rng.next();
  const brightness = 128 + BRIGHTNESS_SD * gaussian(rng.next);
  const planes = [0, 1, 2].map(() => new Uint8Array(CIFAR10_SIDE * CIFAR10_SIDE));
  for (let y = 0; y < CIFAR10_SIDE; y++) {
    for (let x = 0; x < CIFAR10_SIDE; x++) {
      const stripe = STRIPE_AMPLITUDE * Math.sin((2 * Math.PI * cycles * (x * Math.cos(angle) + y * Math.sin(angle))) / CIFAR10_SIDE + phase);
      for (let c = 0; c < 3; c++) {
        const v = brightness + colour[c] + stripe + NOISE_SD * gaussian(rng.next);
        planes[c][y * CIFAR10_SIDE + x] = Math.min(255, Math.max(0, Math.round(v)));
      }
    }
  }
  return { label, r: planes[0], g: planes[1], b: planes[2] };
}

/** `count` records with balanced classes in a seeded order (as balanced as `count` allows). */
function syntheticRecords(count: number, seed: number): CifarRecord[] {
  const rng = createRng(seed);
  const order = shuffleIndices(count, rng);
  return Array.from(order, (i) => syntheticCifarRecord(i % 10, rng));
}

function checkCount(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1 || v > 10000) throw new RangeError(`${name} must be an integer in 1..10000 (the real batch size), got ${v}`);
}

/** The marker in `dir`, or undefined when there is none or it is not ours. */
function readMarker(dir: string): SyntheticCifar10Marker | undefined {
  const file = path.join(dir, SYNTHETIC_CIFAR10_MARKER);
  if (!existsSync(file)) return undefined;
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as Partial<SyntheticCifar10Marker>;
    return v.kind === MARKER_KIND ? (v as SyntheticCifar10Marker) : undefined;
  } catch {
    return undefined;
  }
}

/** The names a synthetic folder may hold: the archive's files and the marker. */
const OWN_FILES = new Set([...CIFAR10_FILES.train, ...CIFAR10_FILES.test, CIFAR10_META_FILE, SYNTHETIC_CIFAR10_MARKER]);

/**
 * Throws unless `dir` may be (re)written: it does not exist, is an empty folder, or is a synthetic folder
 * this module wrote (its marker present and nothing else in it but the archive's files).
 */
export function checkWritableSyntheticDir(dir: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new DatasetError(dir, 'would-overwrite', 'exists and is not a folder: refusing to overwrite it');
  const entries = readdirSync(dir);
  if (entries.length === 0) return;
  if (readMarker(dir) === undefined) {
    throw new DatasetError(dir, 'would-overwrite',
      `holds files this generator did not write (no ${SYNTHETIC_CIFAR10_MARKER}; a real CIFAR-10 download?): refusing to overwrite it — ` +
      'choose another output folder, or remove this one yourself');
  }
  const foreign = entries.filter((e) => !OWN_FILES.has(e));
  if (foreign.length) {
    throw new DatasetError(dir, 'would-overwrite', `is a synthetic folder but also holds ${foreign.join(', ')}: refusing to overwrite it`);
  }
}

/**
 * Writes a synthetic `cifar-10-batches-bin` folder inside `parent` (as extracting the real archive there
 * would) and returns it with the record counts. Seeded: the same options give the same bytes; the test file
 * does not depend on the training files' size and vice versa. Refuses (DatasetError 'would-overwrite') to
 * replace a folder it did not write.
 */
export function writeSyntheticCifar10(parent: string, options: SyntheticCifar10Options = {}): { dir: string; train: number; test: number; files: string[] } {
  const o = { ...SYNTHETIC_CIFAR10_DEFAULTS, ...options };
  checkCount('perTrainBatch', o.perTrainBatch);
  checkCount('testCount', o.testCount);
  if (!Number.isSafeInteger(o.seed)) throw new RangeError(`seed must be a safe integer, got ${o.seed}`);
  const dir = path.join(path.resolve(parent), CIFAR10_FOLDER);
  checkWritableSyntheticDir(dir);
  const train = CIFAR10_FILES.train.map((_, i) => syntheticRecords(o.perTrainBatch, mixSeeds(o.seed, i)));
  const test = syntheticRecords(o.testCount, mixSeeds(o.seed, CIFAR10_FILES.train.length));
  const marker: SyntheticCifar10Marker = {
    kind: MARKER_KIND, ...o,
    note: 'Synthetic images in the CIFAR-10 binary format (scripts/make-cifar10-fixture.mjs), not CIFAR-10: for smoke runs and CI only.',
  };
  // the marker goes first: an interrupted write leaves a folder the next run may replace
  mkdirSync(dir, { recursive: true });
  const markerFile = path.join(dir, SYNTHETIC_CIFAR10_MARKER);
  writeFileSync(markerFile, JSON.stringify(marker, null, 2) + '\n');
  const files = writeCifar10Files(dir, { train, test });
  return { dir, train: 5 * o.perTrainBatch, test: o.testCount, files: [...files, markerFile] };
}
