// tap's only preload (package.json "tap"."node-arg"). `npm test` runs the suite compiled: the type
// check (`tsconfig.check.json`) emits src/, test/ and bench/ to dist/suite/, and tap runs
// dist/suite/test/**/*.test.js with no loader at all. A test file run from its sources
// (`npx tap test/service/solve.test.ts`) gets tsx, registered here only when the entry is TypeScript:
// tsx's start-up and its loader round trip for every module cost ~0.7 s of CPU per process, and the
// suite starts ~80 test processes and about ten child processes.
if (/\.[cm]?tsx?$/.test(process.argv[1] ?? '')) await import('tsx');
