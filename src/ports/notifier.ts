/**
 * Told after a transaction that recorded feed events has committed, so live
 * subscribers and webhook deliveries can pick them up at once.
 */
export interface Notifier {
  eventsRecorded(): void;
}
