/**
 * An EventBridge Pipes input template rendered as the pipe renders it on AWS: each
 * `<$.a.b.c>` placeholder becomes the value at that path of the pipe's event (for a DynamoDB
 * stream, the stream record). A string goes in as its characters (the template puts the
 * quotes around it), anything else as its JSON. The LocalStack variant's publisher renders the
 * level-up pipe's own template with it (infra/workloads.ts `levelUpEvents.pipeInputTemplate`),
 * so the detail it publishes is the one the pipe would have.
 *
 * Only dot paths: the templates here use nothing else.
 */
export function renderPipeInputTemplate(template: string, event: unknown): string {
  return template.replace(/<\$((?:\.[A-Za-z0-9_-]+)+)>/g, (_placeholder, path: string) => {
    let value: unknown = event;
    for (const key of path.slice(1).split('.')) {
      value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
    }
    if (value === undefined) throw new MissingTemplateValue(`$${path}`);
    return typeof value === 'string' ? JSON.stringify(value).slice(1, -1) : JSON.stringify(value);
  });
}

/** The event has nothing at a placeholder's path (on AWS the pipe would render an empty value). */
export class MissingTemplateValue extends Error {
  constructor(readonly path: string) {
    super(`the event has no value at ${path}`);
    this.name = 'MissingTemplateValue';
  }
}
