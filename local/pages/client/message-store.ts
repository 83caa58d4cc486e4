/** A message kept for later, by name. */
export interface SavedMessage {
  name: string;
  text: string;
}

const HISTORY_LIMIT = 50;

/**
 * The composer's history (newest first, no repeats, at most 50) and saved messages, per project in localStorage:
 * two apps on the same emulator port keep theirs apart. A browser that refuses storage just keeps nothing.
 */
export class MessageStore {
  private readonly listeners = new Set<() => void>();

  constructor(private readonly project: string) {
    // Another tab of the same project changed them.
    addEventListener('storage', (event) => {
      if (event.key?.startsWith(this.prefix)) this.changed();
    });
  }

  get history(): string[] {
    return this.read<string[]>('history', []);
  }

  get saved(): SavedMessage[] {
    return this.read<SavedMessage[]>('saved', []);
  }

  remember(text: string): void {
    this.write('history', [text, ...this.history.filter((t) => t !== text)].slice(0, HISTORY_LIMIT));
  }

  save(name: string, text: string): void {
    this.write('saved', [...this.saved.filter((m) => m.name !== name), { name, text }].sort((a, b) => a.name.localeCompare(b.name)));
  }

  forget(name: string): void {
    this.write('saved', this.saved.filter((m) => m.name !== name));
  }

  onChange(listener: () => void): void {
    this.listeners.add(listener);
  }

  private get prefix(): string {
    return `wsgate:client:${this.project}:`;
  }

  private read<T>(key: string, fallback: T): T {
    try {
      const text = localStorage.getItem(this.prefix + key);
      return text === null ? fallback : (JSON.parse(text) as T);
    } catch {
      return fallback;
    }
  }

  private write(key: string, value: unknown): void {
    try {
      localStorage.setItem(this.prefix + key, JSON.stringify(value));
    } catch {
      // Storage full or refused: the page works without it.
    }
    this.changed();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
