/** test/service/report.test.ts against the PostgreSQL store and the distributed queue (test/helpers/app.ts). */
process.env.PLANNER_TEST_STORE = 'postgres';
await import('../service/report.test.js');
