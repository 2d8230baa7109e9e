// projectRoot lives in src/io/paths.ts; this path stays for src/bench (the backend work imports it from here)
export { projectRoot } from '../io/paths';
