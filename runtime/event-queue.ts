/** One queued event. The API key is not in it: it is added as the batch is sent, so a queue never shows it. */
export interface QueuedEvent {
  type: string;
  body: object;
  idempotencyKey: string;
  sentAt: Date;
}

/**
 * The events waiting to be sent, oldest first, in a ring of at most `capacity` slots: an event dropped to make room
 * is released at once, so memory stays bounded by the queue limit however long the service is down.
 */
export class EventQueue {
  private slots: (QueuedEvent | undefined)[] = [];
  private start = 0;
  size = 0;

  constructor(private readonly capacity: number) {}

  /** Adds an event; when the queue is full the oldest makes room and is returned. */
  push(event: QueuedEvent): QueuedEvent | undefined {
    if (this.size === this.capacity) {
      const oldest = this.slots[this.start];
      this.slots[this.start] = event;
      this.start = (this.start + 1) % this.capacity;
      return oldest;
    }
    if (this.size === this.slots.length) this.grow();
    this.slots[(this.start + this.size) % this.slots.length] = event;
    this.size++;
    return undefined;
  }

  /** Removes and returns the `count` oldest events (fewer when fewer wait). */
  take(count: number): QueuedEvent[] {
    const taken: QueuedEvent[] = [];
    for (; taken.length < count && this.size > 0; this.size--) {
      taken.push(this.slots[this.start]!);
      this.slots[this.start] = undefined;
      this.start = (this.start + 1) % this.slots.length;
    }
    return taken;
  }

  clear(): void {
    this.slots = [];
    this.start = 0;
    this.size = 0;
  }

  /** Doubles the ring up to the capacity, oldest event first; slots are allocated only as events arrive. */
  private grow(): void {
    const length = Math.min(this.capacity, Math.max(16, this.slots.length * 2));
    const slots = new Array<QueuedEvent | undefined>(length);
    for (let i = 0; i < this.size; i++) slots[i] = this.slots[(this.start + i) % this.slots.length];
    this.slots = slots;
    this.start = 0;
  }
}
