import { referencedResource, resolveIntrinsic, type CfnTemplate, type LocalModel, type StateMachineModel } from './template.ts';

/** What DescribeStateMachine tells of a state machine beyond its model: read from its template resource. */
export interface StateMachineFacts {
  readonly name: string;
  /** The ASL exactly as the template's DefinitionString gives it, references resolved to local ARNs. */
  readonly definition: string;
  readonly roleArn: string;
  readonly loggingConfiguration: {
    readonly level: string;
    readonly includeExecutionData: boolean;
    readonly destinations?: readonly { readonly cloudWatchLogsLogGroup: { readonly logGroupArn: string } }[];
  };
  readonly tracingConfiguration: { readonly enabled: boolean };
}

const LOCAL_ACCOUNT = '000000000000';

/** The local role ARN of an IAM role resource (CloudFormation would generate the name: the logical id stands in). */
const localRoleArn = (logicalId: string) => `arn:aws:iam::${LOCAL_ACCOUNT}:role/${logicalId}`;

/** Facts of a state machine no template describes (tests build models by hand). */
export function defaultFacts(model: StateMachineModel): StateMachineFacts {
  return {
    name: model.arn.split(':').at(-1)!,
    definition: JSON.stringify(model.definition),
    roleArn: localRoleArn(`${model.logicalId}Role`),
    loggingConfiguration: { level: 'OFF', includeExecutionData: false },
    tracingConfiguration: { enabled: false },
  };
}

/**
 * Each state machine's name, role, logging and tracing, as its AWS::StepFunctions::StateMachine
 * resource says: the role and the log group are the resources its RoleArn and LogGroupArn name.
 */
export function readStateMachineFacts(template: CfnTemplate, model: LocalModel): Map<string, StateMachineFacts> {
  const facts = new Map<string, StateMachineFacts>();
  for (const machine of model.stateMachines) {
    const properties = template.Resources[machine.logicalId]?.Properties ?? {};
    const region = machine.arn.split(':')[3];
    const role = referencedResource(properties.RoleArn);
    const logging = properties.LoggingConfiguration as
      | { Level?: string; IncludeExecutionData?: boolean; Destinations?: { CloudWatchLogsLogGroup?: { LogGroupArn?: unknown } }[] }
      | undefined;
    const destinations = (logging?.Destinations ?? []).map((destination) => {
      const logGroup = referencedResource(destination.CloudWatchLogsLogGroup?.LogGroupArn);
      const logGroupName = logGroup ? template.Resources[logGroup]?.Properties?.LogGroupName : undefined;
      return { cloudWatchLogsLogGroup: { logGroupArn: `arn:aws:logs:${region}:${LOCAL_ACCOUNT}:log-group:${logGroupName ?? logGroup}:*` } };
    });
    facts.set(machine.arn, {
      name: String(properties.StateMachineName ?? machine.logicalId),
      definition: resolveIntrinsic(properties.DefinitionString, model.physicalIds, template),
      roleArn: role ? localRoleArn(role) : defaultFacts(machine).roleArn,
      loggingConfiguration: {
        level: logging?.Level ?? 'OFF',
        includeExecutionData: logging?.IncludeExecutionData ?? false,
        ...(destinations.length > 0 ? { destinations } : {}),
      },
      tracingConfiguration: { enabled: properties.TracingConfiguration?.Enabled === true },
    });
  }
  return facts;
}
