import * as fs from 'node:fs';
import * as path from 'node:path';

let root: string | undefined;

/** The workbench's folder (holds package.json), found from this file whether run from src/ or dist/. */
export function projectRoot(): string {
  if (root) return root;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'mat-workbench') return (root = dir);
    if (path.dirname(dir) === dir) throw new Error(`cannot find the mat-workbench package.json above ${__dirname}`);
  }
}
