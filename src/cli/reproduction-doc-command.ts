import * as fs from 'node:fs';
import * as path from 'node:path';
import { refreshReproductionDoc, SHIPPED_RESULTS_ROOT } from '../experiments';
import { projectRoot } from '../io/paths';
import { parseFlags, type CommandContext, type FlagSpec } from './args';

export const REPRODUCTION_DOC_HELP = `mat reproduction-doc — refill REPRODUCTION.md's generated tables from the shipped results
Every block '<!-- generated: PROFILE/DATASET NAME -->' … '<!-- end generated -->' is regenerated from
data/results/PROFILE/DATASET/ (nothing is trained or attacked; a missing result is an error).

  --file F             the document (default REPRODUCTION.md in the project root)
  --results-root DIR   the results to read (default data/results)
  --check              do not write; exit 1 if a block differs from the results
`;

export const REPRODUCTION_DOC_FLAGS: FlagSpec = {
  file: { type: 'string' }, 'results-root': { type: 'string' }, check: { type: 'boolean' }, help: { type: 'boolean' },
};

export async function reproductionDocCommand(argv: string[], ctx: CommandContext = {}): Promise<void> {
  const v = parseFlags(argv, REPRODUCTION_DOC_FLAGS, 'reproduction-doc');
  const file = path.resolve(String(v.file ?? path.join(projectRoot(), 'REPRODUCTION.md')));
  if (!fs.existsSync(file)) throw new Error(`reproduction-doc: ${file} does not exist`);
  await ctx.startBackend?.();
  const root = path.resolve(String(v['results-root'] ?? path.join(projectRoot(), SHIPPED_RESULTS_ROOT)));
  const { text, blocks, changed } = await refreshReproductionDoc(fs.readFileSync(file, 'utf8'), root);
  if (blocks === 0) throw new Error(`reproduction-doc: ${file} has no '<!-- generated: … -->' blocks`);
  if (v.check === true) {
    if (changed.length) throw new Error(`${changed.length} of ${blocks} blocks differ from ${root}: ${changed.join('; ')} (run without --check to refill them)`);
    process.stdout.write(`reproduction-doc: all ${blocks} blocks agree with ${root}\n`);
    return;
  }
  fs.writeFileSync(file, text);
  process.stdout.write(`reproduction-doc: ${blocks} blocks, ${changed.length} updated → ${file}\n`);
}
