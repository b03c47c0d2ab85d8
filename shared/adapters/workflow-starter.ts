import { ExecutionAlreadyExists, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { stepFunctionsClient } from './step-functions-client.ts';

/** Starts executions of a Standard workflow by name; a name is used once. */
export class WorkflowStarter {
  private readonly client: SFNClient;

  constructor(
    private readonly stateMachineArn: string,
    endpoint?: string,
  ) {
    this.client = stepFunctionsClient(endpoint);
  }

  async start(name: string, input: unknown): Promise<'started' | 'already-started'> {
    try {
      await this.client.send(new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name, input: JSON.stringify(input) }));
      return 'started';
    } catch (error) {
      // Standard executions keep their names for 90 days: a second start of the same name is refused.
      if (error instanceof ExecutionAlreadyExists) return 'already-started';
      throw error;
    }
  }
}
