import { describe, expect, it } from 'vitest';
import { matchesEventPattern } from '../../infra/local/event-patterns.ts';
import { levelUpEvents } from '../../infra/workloads.ts';

// The examples of the EventBridge user guide (event patterns, comparison operators, arrays, null
// values) and of AWS's matcher aws/event-ruler, against their sample EC2 event.
const ec2Event = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
  },
};

/** The sample event with `detail` fields replaced. */
function withDetail(detail: Record<string, unknown>) {
  return { ...ec2Event, detail: { ...ec2Event.detail, ...detail } };
}

describe('matchesEventPattern: fields and values', () => {
  it('matches when every pattern field matches one of its values, ignoring other event fields', () => {
    const pattern = {
      'detail-type': ['EC2 Instance State-change Notification'],
      resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
      detail: { state: ['initializing', 'running'] },
    };
    expect(matchesEventPattern(pattern, ec2Event)).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ state: 'initializing' }))).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ state: 'stopped' }))).toBe(false);
    expect(matchesEventPattern({ source: ['aws.ec2', 'aws.fargate'] }, ec2Event)).toBe(true);
    expect(matchesEventPattern({ source: ['aws.s3'] }, ec2Event)).toBe(false);
  });

  it('needs every pattern field in the event, with the same nesting', () => {
    expect(matchesEventPattern({ detail: { missing: ['x'] } }, ec2Event)).toBe(false);
    expect(matchesEventPattern({ source: { nested: ['aws.ec2'] } }, ec2Event)).toBe(false);
    // A leaf pattern does not match an object.
    expect(matchesEventPattern({ detail: ['running'] }, ec2Event)).toBe(false);
  });

  it('matches exact strings, numbers and booleans by type', () => {
    const event = { detail: { count: 5, flag: true, text: '5' } };
    expect(matchesEventPattern({ detail: { count: [5], flag: [true], text: ['5'] } }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { count: ['5'] } }, event)).toBe(false);
    expect(matchesEventPattern({ detail: { text: [5] } }, event)).toBe(false);
    expect(matchesEventPattern({ detail: { flag: ['true'] } }, event)).toBe(false);
    expect(matchesEventPattern({ source: ['AWS.EC2'] }, ec2Event)).toBe(false); // case-sensitive
  });

  it('matches null and the empty string, which are not interchangeable', () => {
    const event = { detail: { eventVersion: '', responseElements: null } };
    expect(matchesEventPattern({ detail: { eventVersion: [''] } }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { responseElements: [null] } }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { eventVersion: [null] } }, event)).toBe(false);
    expect(matchesEventPattern({ detail: { responseElements: [''] } }, event)).toBe(false);
  });

  it('matches an array in the event when it shares a value with the pattern', () => {
    const pattern = {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
      ],
    };
    const sharing = {
      resources: [
        'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b:autoScalingGroupName/ASGTerminate',
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      ],
    };
    expect(matchesEventPattern(pattern, sharing)).toBe(true);
    expect(matchesEventPattern(pattern, { resources: ['arn:aws:ec2:us-east-1:999999999999:instance/i-other'] })).toBe(false);
    expect(matchesEventPattern(pattern, { resources: [] })).toBe(false);
  });

  it('descends into arrays of objects, one element at a time', () => {
    const event = {
      employees: [
        [
          { firstName: 'John', lastName: 'Doe' },
          { firstName: 'Anna', lastName: 'Smith' },
        ],
        [{ firstName: 'Peter', lastName: 'Jones' }],
      ],
    };
    expect(matchesEventPattern({ employees: { firstName: ['Anna'] } }, event)).toBe(true);
    expect(matchesEventPattern({ employees: { firstName: ['Anna'], lastName: ['Smith'] } }, event)).toBe(true);
    // Fields of different elements never combine.
    expect(matchesEventPattern({ employees: { firstName: ['Anna'], lastName: ['Jones'] } }, event)).toBe(false);
  });
});

describe('matchesEventPattern: what the template does not use throws, whatever the event', () => {
  it.each([
    ['prefix', { name: [{ prefix: 'x' }] }],
    ['suffix', { name: [{ suffix: 'y' }] }],
    ['equals-ignore-case', { name: [{ 'equals-ignore-case': 'XY' }] }],
    ['wildcard', { name: [{ wildcard: 'x*' }] }],
    ['anything-but', { n: [{ 'anything-but': 2 }] }],
    ['numeric', { n: [{ numeric: ['>', 0] }] }],
    ['exists', { n: [{ exists: true }] }],
    ['cidr', { ip: [{ cidr: '10.0.0.0/24' }] }],
    ['$or', { $or: [{ source: ['aws.ec2'] }, { n: [1] }] }],
    ['a value listed next to an operator', { source: ['aws.ec2', { prefix: 'aws.' }] }],
    ['a nested array of values', { source: [['aws.ec2']] }],
    ['a bare value instead of an array', { source: 'aws.ec2' }],
  ])('%s', (_, pattern) => {
    const event = { ip: '10.0.0.1', name: 'xy', source: 'aws.ec2', n: 1 };
    expect(() => matchesEventPattern(pattern, event)).toThrow();
    expect(() => matchesEventPattern(pattern, {})).toThrow();
  });

  it('names what it does not support', () => {
    expect(() => matchesEventPattern({ detail: { state: [{ prefix: 'run' }] } }, ec2Event)).toThrow(/unsupported event pattern value.*"state"/);
    expect(() => matchesEventPattern({ $or: [] }, ec2Event)).toThrow(/unsupported event pattern operator "\$or"/);
  });
});

describe('matchesEventPattern: the template\'s patterns', () => {
  const record = (eventName: string, entity: string) => ({
    eventID: 'c0bbcb9a-c783-401e-97d7-8d6c7c900b53',
    eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: {
      Keys: { PK: { S: 'USER#u1' }, SK: { S: 'LEVELUP#0004' } },
      NewImage: { PK: { S: 'USER#u1' }, SK: { S: 'LEVELUP#0004' }, entity: { S: entity }, toLevel: { N: '4' } },
      SequenceNumber: '000000000000000000001',
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  });

  it('the pipe filter passes an INSERT of a level-up item', () => {
    expect(matchesEventPattern(levelUpEvents.pipeFilter, record('INSERT', 'LEVELUP'))).toBe(true);
  });

  it('the pipe filter drops a MODIFY, another item, and a REMOVE (no new image)', () => {
    expect(matchesEventPattern(levelUpEvents.pipeFilter, record('MODIFY', 'LEVELUP'))).toBe(false);
    expect(matchesEventPattern(levelUpEvents.pipeFilter, record('INSERT', 'PROFILE'))).toBe(false);
    const removed = record('REMOVE', 'LEVELUP');
    expect(matchesEventPattern(levelUpEvents.pipeFilter, { ...removed, dynamodb: { Keys: removed.dynamodb.Keys } })).toBe(false);
  });

  it('the rule takes the level-up events of the bus and nothing else', () => {
    const rule = { source: [levelUpEvents.source], 'detail-type': [levelUpEvents.detailType] };
    const event = { ...ec2Event, source: levelUpEvents.source, 'detail-type': levelUpEvents.detailType };
    expect(matchesEventPattern(rule, event)).toBe(true);
    expect(matchesEventPattern(rule, { ...event, 'detail-type': 'UserRenamed' })).toBe(false);
    expect(matchesEventPattern(rule, ec2Event)).toBe(false);
  });
});
