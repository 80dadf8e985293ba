/** Solve jobs: poll, cancel. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { JobParamsSchema } from '../schemas/api/common.js';
import { JobSchema } from '../schemas/api/jobs.js';
import { examples } from '../schemas/examples/common.js';
import { exampleJob } from '../schemas/examples/jobs.js';
import { json, problems } from './docs.js';
import { jobView } from './views.js';

const id = examples.ids.job;
const badId = [{ path: 'id', in: 'params' as const, message: 'a job id is a UUID' }];

export const jobRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/jobs/:id',
    {
      schema: {
        tags: ['jobs'],
        operationId: 'getJob',
        summary: 'A solve job: status, progress, link to its portfolio',
        params: JobParamsSchema,
        response: {
          200: json(JobSchema, exampleJob, 'The job.'),
          400: problems.badRequest('/jobs/42', badId),
          404: problems.notFound(`/jobs/${id}`, 'job'),
        },
      },
    },
    async (request) => jobView(await app.services.jobs.get(request.params.id)),
  );

  app.delete(
    '/jobs/:id',
    {
      schema: {
        tags: ['jobs'],
        operationId: 'cancelJob',
        summary: 'Cancel a queued or running job',
        description: 'A running solve is stopped by terminating its worker, which is then replaced. Cancelling a cancelled job is a no-op.',
        params: JobParamsSchema,
        response: {
          200: json(
            JobSchema,
            {
              ...exampleJob,
              status: 'cancelled',
              progress: { phase: 'finished', fraction: 1 },
              error: { code: 'cancelled', message: 'cancelled by a DELETE /jobs request' },
              finishedAt: examples.ids.time,
            },
            'The job, now cancelled.',
          ),
          400: problems.badRequest('/jobs/42', badId),
          404: problems.notFound(`/jobs/${id}`, 'job'),
          409: problems.conflict(`/jobs/${id}`, `job '${id}' already finished (done); there is nothing to cancel`),
        },
      },
    },
    async (request) => jobView(await app.services.jobs.cancel(request.params.id)),
  );
};
