/**
 * Says a message once per key: a package that keeps failing the same way, or a setting that stays wrong,
 * is logged when it starts, not on every save.
 */
export class OnceLog {
  private readonly lastMessages = new Map<string, string>();

  constructor(private readonly log: (message: string) => void) {}

  say(key: string, message: string): void {
    if (this.lastMessages.get(key) === message) return;
    this.lastMessages.set(key, message);
    this.log(message);
  }

  /** The condition behind `key` is over: the same message is said again if it comes back. */
  forget(key: string): void {
    this.lastMessages.delete(key);
  }
}
