import type { StreamViewType } from '../model/app-model.ts';

/** A DynamoDB item in the wire format (`{ "id": { "S": "a" } }`), as stream images carry it. */
export type Item = Record<string, AttributeValue>;
export type AttributeValue = Record<string, unknown>;

/** One change to one item, as the proxy saw it: the image before and after the write. */
export interface ItemChange {
  tableName: string;
  keys: Item;
  oldImage?: Item;
  newImage?: Item;
}

export interface StreamRecord {
  eventID: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  eventVersion: '1.1';
  eventSource: 'aws:dynamodb';
  awsRegion: string;
  dynamodb: {
    ApproximateCreationDateTime: number;
    Keys: Item;
    NewImage?: Item;
    OldImage?: Item;
    SequenceNumber: string;
    SizeBytes: number;
    StreamViewType: StreamViewType;
  };
  eventSourceARN: string;
}

/** The change's event name; none when nothing changed (DynamoDB writes no record for a write that changes no data). */
export function eventNameOf(change: ItemChange): StreamRecord['eventName'] | undefined {
  if (change.oldImage === undefined && change.newImage === undefined) return undefined;
  if (change.oldImage === undefined) return 'INSERT';
  if (change.newImage === undefined) return 'REMOVE';
  return sameItem(change.oldImage, change.newImage) ? undefined : 'MODIFY';
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]));
  }
  return value;
}

function sameItem(a: Item, b: Item): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/**
 * An item's size as DynamoDB counts it (CapacityUnitCalculations): attribute names in UTF-8 bytes plus each value —
 * strings in UTF-8 bytes, numbers about one byte per two digits plus one, binaries in bytes, 1 for BOOL/NULL, 3 plus
 * the contents for lists and maps. Stream records report the sum for their keys and images as `SizeBytes`.
 */
export function itemSize(item: Item | undefined): number {
  if (item === undefined) return 0;
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += Buffer.byteLength(name) + valueSize(value);
  return size;
}

function valueSize(value: AttributeValue): number {
  const [type, content] = Object.entries(value)[0] ?? ['NULL', true];
  switch (type) {
    case 'S':
      return Buffer.byteLength(String(content));
    case 'N':
      return Math.ceil(String(content).replace(/^-|\.|^0+/g, '').length / 2) + 1;
    case 'B':
      return typeof content === 'string' ? Buffer.from(content, 'base64').length : (content as Uint8Array).length;
    case 'BOOL':
    case 'NULL':
      return 1;
    case 'SS':
      return (content as string[]).reduce((sum, s) => sum + Buffer.byteLength(s), 0);
    case 'NS':
      return (content as string[]).reduce((sum, n) => sum + valueSize({ N: n }), 0);
    case 'BS':
      return (content as string[]).reduce((sum, b) => sum + valueSize({ B: b }), 0);
    case 'L':
      return 3 + (content as AttributeValue[]).reduce((sum, v) => sum + 1 + valueSize(v), 0);
    case 'M':
      return 3 + itemSize(content as Item) + Object.keys(content as Item).length;
    default:
      return 0;
  }
}

/** The record a stream of `viewType` carries for a change: Keys always; NewImage and OldImage as the view type says. */
export function streamRecord(change: ItemChange, eventName: StreamRecord['eventName'], facts: { region: string; streamArn: string; viewType: StreamViewType; sequenceNumber: string; time: Date }): StreamRecord {
  const withNew = (facts.viewType === 'NEW_IMAGE' || facts.viewType === 'NEW_AND_OLD_IMAGES') && change.newImage !== undefined;
  const withOld = (facts.viewType === 'OLD_IMAGE' || facts.viewType === 'NEW_AND_OLD_IMAGES') && change.oldImage !== undefined;
  return {
    eventID: crypto.randomUUID().replaceAll('-', ''),
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: facts.region,
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(facts.time.getTime() / 1000),
      Keys: change.keys,
      ...(withNew ? { NewImage: change.newImage } : {}),
      ...(withOld ? { OldImage: change.oldImage } : {}),
      SequenceNumber: facts.sequenceNumber,
      SizeBytes: itemSize(change.keys) + (withNew ? itemSize(change.newImage) : 0) + (withOld ? itemSize(change.oldImage) : 0),
      StreamViewType: facts.viewType,
    },
    eventSourceARN: facts.streamArn,
  };
}
