/** test/service/system.test.ts against the PostgreSQL store and the distributed queue (test/helpers/app.ts). */
process.env.PLANNER_TEST_STORE = 'postgres';
await import('../service/system.test.js');
