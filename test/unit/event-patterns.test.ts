import { describe, expect, it } from 'vitest';
import { matchesEventPattern } from '../../infra/local/event-patterns.ts';

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

describe('matchesEventPattern: comparison operators', () => {
  it('prefix, also ignoring case; strings only', () => {
    expect(matchesEventPattern({ time: [{ prefix: '2017-10-02' }] }, ec2Event)).toBe(true);
    expect(matchesEventPattern({ time: [{ prefix: '2017-10-03' }] }, ec2Event)).toBe(false);
    expect(matchesEventPattern({ source: ['aws.autoscaling'], region: [{ prefix: 'eu-' }] }, ec2Event)).toBe(false);
    const ignoringCase = { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } };
    expect(matchesEventPattern(ignoringCase, { detail: { service: 'eventbridge' } })).toBe(true);
    expect(matchesEventPattern(ignoringCase, { detail: { service: 'EVENTBRIDGE' } })).toBe(true);
    expect(matchesEventPattern(ignoringCase, { detail: { service: 'sqs' } })).toBe(false);
    expect(matchesEventPattern({ detail: { 'c-count': [{ prefix: '5' }] } }, ec2Event)).toBe(false);
  });

  it('suffix, also ignoring case', () => {
    expect(matchesEventPattern({ FileName: [{ suffix: '.png' }] }, { FileName: 'photo.png' })).toBe(true);
    expect(matchesEventPattern({ FileName: [{ suffix: '.png' }] }, { FileName: 'photo.PNG' })).toBe(false);
    expect(matchesEventPattern({ FileName: [{ suffix: '.png' }] }, { FileName: 'photo.jpg' })).toBe(false);
    const ignoringCase = { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } };
    expect(matchesEventPattern(ignoringCase, { detail: { FileName: 'photo.PNG' } })).toBe(true);
    expect(matchesEventPattern(ignoringCase, { detail: { FileName: 'photo.gif' } })).toBe(false);
  });

  it('equals-ignore-case', () => {
    expect(matchesEventPattern({ Name: [{ 'equals-ignore-case': 'alice' }] }, { Name: 'Alice' })).toBe(true);
    expect(matchesEventPattern({ Name: [{ 'equals-ignore-case': 'alice' }] }, { Name: 'ALICE' })).toBe(true);
    expect(matchesEventPattern({ Name: [{ 'equals-ignore-case': 'alice' }] }, { Name: 'Alicia' })).toBe(false);
  });

  it('wildcard, with escapes; consecutive stars are refused', () => {
    const service = (wildcard: string) => ({ source: [{ wildcard }] });
    expect(matchesEventPattern(service('Simple*Service'), { source: 'SimpleQueueService' })).toBe(true);
    expect(matchesEventPattern(service('Simple*Service'), { source: 'SimpleService' })).toBe(true);
    expect(matchesEventPattern(service('Simple*Service'), { source: 'SimpleQueueServices' })).toBe(false);
    expect(matchesEventPattern({ EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] }, {
      EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/good-swipe-dev',
    })).toBe(true);
    expect(matchesEventPattern(service('dir/*.png'), { source: 'dir/a.b.png' })).toBe(true);
    expect(matchesEventPattern(service('dir/*.png'), { source: 'dir/apng' })).toBe(false);
    expect(matchesEventPattern(service('a\\*b'), { source: 'a*b' })).toBe(true);
    expect(matchesEventPattern(service('a\\*b'), { source: 'axb' })).toBe(false);
    expect(matchesEventPattern(service('a\\\\b'), { source: 'a\\b' })).toBe(true);
    expect(() => matchesEventPattern(service('a**b'), { source: 'ab' })).toThrow(/consecutive/);
    expect(() => matchesEventPattern(service('a\\b'), { source: 'ab' })).toThrow(/escape/);
  });

  it('anything-but a value, a list, or a text operator; the field must be there', () => {
    expect(matchesEventPattern({ detail: { state: [{ 'anything-but': 'initializing' }] } }, ec2Event)).toBe(true);
    expect(matchesEventPattern({ detail: { state: [{ 'anything-but': 'running' }] } }, ec2Event)).toBe(false);
    expect(matchesEventPattern({ detail: { 'x-limit': [{ 'anything-but': 123 }] } }, ec2Event)).toBe(true);
    expect(matchesEventPattern({ detail: { 'c-count': [{ 'anything-but': 5 }] } }, ec2Event)).toBe(false);
    const list = { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } };
    expect(matchesEventPattern(list, ec2Event)).toBe(true);
    expect(matchesEventPattern(list, withDetail({ state: 'overloaded' }))).toBe(false);
    const numbers = { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } };
    expect(matchesEventPattern(numbers, ec2Event)).toBe(true);
    expect(matchesEventPattern(numbers, withDetail({ 'x-limit': 200 }))).toBe(false);
    const prefix = { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } };
    expect(matchesEventPattern(prefix, ec2Event)).toBe(true);
    expect(matchesEventPattern(prefix, withDetail({ state: 'initializing' }))).toBe(false);
    const suffix = { FileName: [{ 'anything-but': { suffix: '.png' } }] };
    expect(matchesEventPattern(suffix, { FileName: 'a.jpg' })).toBe(true);
    expect(matchesEventPattern(suffix, { FileName: 'a.png' })).toBe(false);
    const ignoringCase = { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] };
    expect(matchesEventPattern(ignoringCase, { state: 'running' })).toBe(true);
    expect(matchesEventPattern(ignoringCase, { state: 'INITIALIZING' })).toBe(false);
    const wildcard = { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] };
    expect(matchesEventPattern(wildcard, { FilePath: '/usr/bin/node' })).toBe(true);
    expect(matchesEventPattern(wildcard, { FilePath: '/usr/lib/node' })).toBe(false);
    expect(matchesEventPattern({ detail: { absent: [{ 'anything-but': 'x' }] } }, ec2Event)).toBe(false);
  });

  it('numeric ranges and equality, on JSON numbers only', () => {
    const pattern = {
      detail: {
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ numeric: ['=', 3.018e2] }],
      },
    };
    expect(matchesEventPattern(pattern, ec2Event)).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ 'c-count': 0 }))).toBe(false);
    expect(matchesEventPattern(pattern, withDetail({ 'c-count': 6 }))).toBe(false);
    expect(matchesEventPattern(pattern, withDetail({ 'd-count': 10 }))).toBe(false);
    expect(matchesEventPattern(pattern, withDetail({ 'x-limit': 301.9 }))).toBe(false);
    expect(matchesEventPattern(pattern, withDetail({ 'c-count': '5' }))).toBe(false);
    expect(matchesEventPattern({ n: [{ numeric: ['>=', 1] }] }, { n: 1 })).toBe(true);
  });

  it('exists: true needs a leaf value there; false holds when there is none', () => {
    const exists = { detail: { state: [{ exists: true }] } };
    expect(matchesEventPattern(exists, ec2Event)).toBe(true);
    const withoutState = {
      'detail-type': ['EC2 Instance State-change Notification'],
      resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341'],
      detail: { 'c-count': { c1: 100 } },
    };
    expect(matchesEventPattern(exists, withoutState)).toBe(false);

    const absent = { detail: { 'c-count': [{ exists: false }] } };
    expect(matchesEventPattern(absent, { detail: { state: ['initializing', 'running'] } })).toBe(true);
    // c-count is not a leaf here: exists matching works on leaf nodes only.
    expect(matchesEventPattern(absent, withoutState)).toBe(true);
    expect(matchesEventPattern(absent, ec2Event)).toBe(false);
    expect(matchesEventPattern({ detail: { 'c-count': [{ exists: true }] } }, withoutState)).toBe(false);
    // A missing parent object: the field is absent too.
    expect(matchesEventPattern({ detail: { extra: { x: [{ exists: false }] } } }, ec2Event)).toBe(true);
  });

  it('combines operators (the documented complex example)', () => {
    const pattern = {
      time: [{ prefix: '2017-10-02' }],
      detail: {
        state: [{ 'anything-but': 'initializing' }],
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ 'anything-but': [100, 200, 300] }],
      },
    };
    expect(matchesEventPattern(pattern, ec2Event)).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ state: 'initializing' }))).toBe(false);
    expect(matchesEventPattern(pattern, { ...ec2Event, time: '2017-10-03T00:00:00Z' })).toBe(false);
  });
});

describe('matchesEventPattern: $or', () => {
  const alarm = (fields: Record<string, unknown>) => ({ source: 'aws.cloudwatch', ...fields });

  it('matches when any alternative does (source && (metricName || namespace))', () => {
    const pattern = {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
    };
    expect(matchesEventPattern(pattern, alarm({ metricName: 'ReadLatency' }))).toBe(true);
    expect(matchesEventPattern(pattern, alarm({ namespace: 'AWS/ES' }))).toBe(true);
    expect(matchesEventPattern(pattern, alarm({ metricName: 'Other', namespace: 'AWS/S3' }))).toBe(false);
    expect(matchesEventPattern(pattern, { source: 'aws.ec2', metricName: 'ReadLatency' })).toBe(false);
  });

  it('nests, in parallel and inside objects', () => {
    const pattern = {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization'] },
        { metricType: ['MetricType'], namespace: ['AWS/EC2'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] },
      ],
      detail: { $or: [{ state: ['ALARM'] }, { previousState: ['ALARM'] }] },
    };
    const event = alarm({ metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 1000, detail: { previousState: 'ALARM' } });
    expect(matchesEventPattern(pattern, event)).toBe(true);
    expect(matchesEventPattern(pattern, { ...event, spaceId: 1 })).toBe(false);
    expect(matchesEventPattern(pattern, { ...event, detail: { state: 'OK' } })).toBe(false);
  });
});

describe('matchesEventPattern: unsupported or invalid patterns throw, whatever the event', () => {
  it.each([
    ['an unknown operator', { ip: [{ cidr: '10.0.0.0/24' }] }],
    ['a made-up operator', { name: [{ contains: 'x' }] }],
    ['a bare value instead of an array', { source: 'aws.ec2' }],
    ['an operator object with two keys', { name: [{ prefix: 'a', suffix: 'b' }] }],
    ['a numeric operator it does not know', { n: [{ numeric: ['!=', 1] }] }],
    ['a non-boolean exists', { n: [{ exists: 'yes' }] }],
    ['an empty $or', { $or: [] }],
    ['an unknown operator inside anything-but', { n: [{ 'anything-but': { numeric: ['>', 1] } }] }],
  ])('%s', (_, pattern) => {
    expect(() => matchesEventPattern(pattern, { ip: '10.0.0.1', name: 'xy', source: 'aws.ec2', n: 1 })).toThrow();
    expect(() => matchesEventPattern(pattern, {})).toThrow();
  });
});

describe('matchesEventPattern: an EventBridge Pipes filter on DynamoDB stream records', () => {
  const levelUps = { eventName: ['INSERT'], dynamodb: { NewImage: { SK: { S: [{ prefix: 'LEVELUP#' }] } } } };
  const record = (eventName: string, sk: string) => ({
    eventID: 'c0bbcb9a-c783-401e-97d7-8d6c7c900b53',
    eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: {
      Keys: { PK: { S: 'USER#u1' }, SK: { S: sk } },
      NewImage: { PK: { S: 'USER#u1' }, SK: { S: sk }, level: { N: '4' } },
      SequenceNumber: '000000000000000000001',
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  });

  it('passes an INSERT of a level-up item', () => {
    expect(matchesEventPattern(levelUps, record('INSERT', 'LEVELUP#0004'))).toBe(true);
  });

  it('drops a MODIFY, another item, and a REMOVE (no new image)', () => {
    expect(matchesEventPattern(levelUps, record('MODIFY', 'LEVELUP#0004'))).toBe(false);
    expect(matchesEventPattern(levelUps, record('INSERT', 'PROFILE'))).toBe(false);
    const removed = record('REMOVE', 'LEVELUP#0004');
    expect(matchesEventPattern(levelUps, { ...removed, dynamodb: { Keys: removed.dynamodb.Keys } })).toBe(false);
  });
});
