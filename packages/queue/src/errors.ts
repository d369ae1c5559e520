import { KaizenError } from "@kaizen/contracts";

/** The batch id is unknown to this queue (wrong name or prefix, or the batch was deleted). */
export class BatchNotFoundError extends KaizenError {
  readonly batchId: string;
  constructor(batchId: string, queueName: string) {
    super(
      "batch_not_found",
      `No batch "${batchId}" in queue "${queueName}". Fix: use the id submit() returned, with the same queue name, prefix and Redis.`,
    );
    this.batchId = batchId;
  }
}
